// The sign-in, step-up and consent pages. Thin: each handler loads the interaction,
// checks the form, calls the domain, and hands the result back to the provider.
//
//   first factor     password (or a passkey, which may be enough on its own)
//   second factor    only when the level asked for needs it: TOTP, passkey or recovery code
//   step-up          a signed-in person asked for a higher level: only the missing factor
//   unreachable      the account has no factor that reaches the level: the request fails
//                    with unmet_authentication_requirements, never with a lower level
import Router from '@koa/router';
import type { AuthorizationDetail } from 'oidc-provider';
import { describeAuthorizationDetails } from './authorization-details.ts';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { signInWithPassword } from '../../authn/sign-in.ts';
import { passkeyMethods } from '../../authn/assurance.ts';
import { clearProgress, merge, readProgress, type Progress } from '../../authn/sign-in-flow.ts';
import { verifyTotp } from '../../authn/totp.ts';
import { useRecoveryCode } from '../../authn/recovery-codes.ts';
import { authenticationOptions, authenticateWithPasskey, PasskeyError } from '../../authn/passkeys.ts';
import {
  advance, checkSecondFactor, currentProgress, fieldErrors, finish, loadClient, loadInteraction, pageData, renderLogin, postedForm as postedInteractionForm,
  type Details, type InteractionDeps,
} from './flow.ts';
import { continueToFactorEnrolment, mountFirstSignIn, resumeFirstSignIn } from './first-sign-in.ts';
import { credentialDetailsOf } from '../../signing/credential-details.ts';

export type { InteractionDeps } from './flow.ts';

const signInForm = z.object({
  username: z.string().trim().min(1, 'fields.username.required').max(128),
  password: z.string().min(1, 'fields.password.required').max(1024),
});

const codeForm = z.object({ code: z.string().trim().min(1, 'fields.code.required').max(32) });

export function createInteractionRouter(deps: InteractionDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/interaction/:uid' });

  router.use(async (ctx, next) => {
    ctx.state.route = 'interaction';
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  const postedForm = (ctx: AppContext) => postedInteractionForm(deps, ctx);

  async function progressOrFail(details: Details): Promise<Progress> {
    const progress = await currentProgress(deps, details);
    if (!progress || details.prompt.name !== 'login') throw new AppError('interaction_expired');
    return progress;
  }

  router.get('/', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (details.prompt.name === 'login') {
      const stored = await readProgress(deps.totp.db, deps.totp.clock, details.uid);
      if (await resumeFirstSignIn(deps, ctx, details, stored)) return;
      const progress = await currentProgress(deps, details, stored);
      return progress ? advance(deps, ctx, details, progress) : renderLogin(deps, ctx, details);
    }
    const signing = credentialDetailsOf(details.params.authorization_details);
    if (details.prompt.name === 'consent' && signing.length > 0 && details.session) {
      return renderPage(ctx, 'interaction/signing-approval', {
        ...pageData(deps, details),
        action: `/interaction/${details.uid}/confirm`,
        clientName: (await loadClient(deps, details)).name,
        ...(await deps.signingApproval(details.session.accountId, signing)),
      });
    }
    if (details.prompt.name === 'consent') {
      const missingScopes = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
      // verified_claims comes through the claims parameter, not a scope, but is consented to
      // by name like one.
      const missingClaims = (details.prompt.details.missingOIDCClaims as string[] | undefined) ?? [];
      const missing = [...missingScopes, ...(missingClaims.includes('verified_claims') && !missingScopes.includes('verified_claims') ? ['verified_claims'] : [])];
      return renderPage(ctx, 'interaction/consent', {
        ...pageData(deps, details),
        action: `/interaction/${details.uid}/confirm`,
        clientName: (await loadClient(deps, details)).name,
        scopes: missing.filter((scope) => scope !== 'openid' || missing.length === 1),
        approvals: describeAuthorizationDetails(ctx.state.locale, (details.prompt.details.rar as unknown[] | undefined) ?? []),
      });
    }
    throw new AppError('bad_request');
  });

  router.post('/login', async (ctx) => {
    const { details, form } = await postedForm(ctx);
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    const parsed = signInForm.safeParse({ username: form.get('username') ?? '', password: form.get('password') ?? '' });
    if (!parsed.success) {
      ctx.status = 400;
      return renderLogin(deps, ctx, details, { username: form.get('username') ?? '', error: fieldErrors(parsed.error) });
    }
    try {
      const account = await signInWithPassword(deps.signIn, { ...parsed.data, ip: ctx.ip });
      // A first sign-in left before its second factor: the password is proved, the
      // factor is enrolled now.
      if (!account.active) return await continueToFactorEnrolment(deps, ctx, details, account.id);
      return await advance(deps, ctx, details, { accountId: account.id, amr: ['pwd'] }, { account });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'signin_failed') throw err;
      ctx.status = 401;
      return renderLogin(deps, ctx, details, { username: parsed.data.username, error: err });
    }
  });

  router.post('/otp', async (ctx) => {
    const { details, form } = await postedForm(ctx);
    const progress = await progressOrFail(details);
    const parsed = codeForm.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success) return advance(deps, ctx, details, progress, { error: fieldErrors(parsed.error) });
    const ok = await checkSecondFactor(deps, progress.accountId, () => verifyTotp(deps.totp, progress.accountId, parsed.data.code.replace(/\s/g, '')));
    if (!ok) return advance(deps, ctx, details, progress, { error: new AppError('code_failed', { fields: { code: 'fields.code.wrong' } }) });
    return advance(deps, ctx, details, { accountId: progress.accountId, amr: merge(progress.amr, ['otp']) });
  });

  router.post('/recovery', async (ctx) => {
    const { details, form } = await postedForm(ctx);
    const progress = await progressOrFail(details);
    const parsed = codeForm.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success) return advance(deps, ctx, details, progress, { error: fieldErrors(parsed.error) });
    const ok = await checkSecondFactor(deps, progress.accountId, () => useRecoveryCode(deps.totp.db, deps.totp.clock, progress.accountId, parsed.data.code));
    if (!ok) return advance(deps, ctx, details, progress, { error: new AppError('code_failed', { fields: { code: 'fields.code.wrong' } }) });
    // A recovery code stands in for the authenticator app: a one-time code.
    return advance(deps, ctx, details, { accountId: progress.accountId, amr: merge(progress.amr, ['otp']) });
  });

  // The passkey ceremony's options, as JSON for the page's script.
  router.post('/passkey/options', async (ctx) => {
    const { details } = await postedForm(ctx);
    const progress = await currentProgress(deps, details);
    ctx.body = await authenticationOptions(deps.passkeys, progress?.accountId ?? null);
  });

  router.post('/passkey', async (ctx) => {
    const { details, form } = await postedForm(ctx);
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    const progress = await currentProgress(deps, details);
    let assertion;
    try {
      assertion = await authenticateWithPasskey(deps.passkeys, { challengeId: form.get('challengeId') ?? '', response: JSON.parse(form.get('response') ?? 'null') });
    } catch (err) {
      if (!(err instanceof PasskeyError) && !(err instanceof SyntaxError)) throw err;
      const error = new AppError('passkey_failed');
      if (progress) return advance(deps, ctx, details, progress, { error });
      ctx.status = 401;
      return renderLogin(deps, ctx, details, { error });
    }
    if (!assertion.userVerified) throw new AppError('passkey_failed');
    // A passkey for another account than the one signing in starts that account's sign-in.
    const base = progress && progress.accountId === assertion.accountId ? progress.amr : [];
    return advance(deps, ctx, details, { accountId: assertion.accountId, amr: merge(base, passkeyMethods(assertion.passkey.backedUp)) });
  });

  router.post('/confirm', async (ctx) => {
    const { details } = await postedForm(ctx);
    if (details.prompt.name !== 'consent' || !details.session) throw new AppError('bad_request');
    const signing = credentialDetailsOf(details.params.authorization_details);
    if (signing.length > 0 && !(await deps.signingApproval(details.session.accountId, signing)).allowed) throw new AppError('forbidden');
    const provider = deps.provider();
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: String(details.params.client_id) });
    if (!grant) throw new AppError('interaction_expired');
    const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>; rar?: AuthorizationDetail[] };
    if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    // The approvals shown on the page; a token carries only these (oidc/rich-authorization.ts).
    for (const detail of promptDetails.rar ?? []) grant.addRar(detail);
    const grantId = await grant.save();
    await finish(deps, ctx, { consent: { grantId } }, true);
  });

  mountFirstSignIn(router, deps);

  router.post('/abort', async (ctx) => {
    const { details } = await postedForm(ctx);
    await clearProgress(deps.totp.db, details.uid);
    await finish(deps, ctx, { error: 'access_denied', error_description: 'the person declined' }, false);
  });

  return router;
}
