// The interaction policy: oidc-provider's login and consent prompts, with its exact-match
// acr checks replaced by one that knows eIDAS levels are ordered. A session whose level is
// below what the request needs prompts for a step-up; the page then asks only for what is
// missing.
import { interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { levelOfAcr, requiredLevel, atLeast, higher, type Level } from '../authn/assurance.ts';
import { isSigningRequest, levelForSigning } from '../signing/credential-details.ts';

const { base, Check } = interactionPolicy;

export function requiredLevelFor(ctx: KoaContextWithOIDC): Level {
  const { oidc } = ctx;
  const metadata = oidc.client?.metadata() as { hawiya_min_acr?: unknown } | undefined;
  const claims = oidc.claims as { id_token?: { acr?: { essential?: boolean; value?: unknown; values?: unknown } } } | undefined;
  const acr = claims?.id_token?.acr;
  return higher(requiredLevel({
    clientMinimum: metadata?.hawiya_min_acr,
    acrValues: oidc.params?.acr_values,
    essentialAcr: acr?.essential ? acr : undefined,
  }), levelForSigning(oidc.params?.authorization_details));
}

export function createInteractionPolicy() {
  const policy = base();
  const login = policy.get('login')!;
  login.checks.remove('essential_acrs');
  login.checks.remove('essential_acr');
  login.checks.add(new Check(
    'acr_level',
    'the session has not reached the requested level of assurance',
    (ctx: KoaContextWithOIDC) => {
      const reached = levelOfAcr(ctx.oidc.acr);
      return reached === undefined || !atLeast(reached, requiredLevelFor(ctx)) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
    },
    (ctx: KoaContextWithOIDC) => ({ requiredLevel: requiredLevelFor(ctx) }),
  ));
  // Each signature is approved by a sign-in made for it, as Smart-ID asks for PIN2 each
  // time: a session, however recent or high, is not enough.
  login.checks.add(new Check(
    'signing_sign_in',
    'a signing request needs a sign-in of its own',
    (ctx: KoaContextWithOIDC) => (isSigningRequest(ctx.oidc.params?.authorization_details) && !ctx.oidc.result?.login ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT),
  ));
  return policy;
}
