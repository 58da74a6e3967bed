// The sign-in, step-up and consent pages. Thin: each handler loads the interaction,
// checks the form, calls the domain, and hands the result back to the provider.
//
//   first factor     password (or a passkey, which may be enough on its own)
//   second factor    only when the level asked for needs it: TOTP, passkey or recovery code
//   step-up          a signed-in person asked for a higher level: only the missing factor
//   unreachable      the account has no factor that reaches the level: the request fails
//                    with unmet_authentication_requirements, never with a lower level
import Router from '@koa/router';
import type { Provider, InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { Csrf } from '../csrf.ts';
import { localeFor } from '../locale.ts';
import { originOf } from '../security-headers.ts';
import type { Locale } from '../i18n.ts';
import { signInWithPassword, type SignInDeps } from '../../authn/sign-in.ts';
import { ACR, atLeast, higher, levelOf, requiredLevel, passkeyMethods, withMfa, type Level, type Method } from '../../authn/assurance.ts';
import { readProgress, recordProgress, clearProgress, factorsOf, missingFactors, merge, type Progress } from '../../authn/sign-in-flow.ts';
import { verifyTotp, type TotpDeps } from '../../authn/totp.ts';
import { useRecoveryCode } from '../../authn/recovery-codes.ts';
import { authenticationOptions, authenticateWithPasskey, PasskeyError, type PasskeyDeps } from '../../authn/passkeys.ts';
import type { AccountDirectory } from '../../authn/accounts.ts';
import type { Throttle, ThrottleLimits } from '../../authn/throttle.ts';
import { credentialDetailsOf, levelForSigning } from '../../signing/credential-details.ts';
import type { SigningApproval } from '../signing/signing-approval.ts';

export interface InteractionDeps {
  provider(): Provider;
  csrf: Csrf;
  signIn: SignInDeps;
  accounts: AccountDirectory;
  totp: TotpDeps;
  passkeys: PasskeyDeps;
  throttle: Throttle;
  secondFactorLimits: ThrottleLimits;
  onSignedIn(ctx: AppContext, signIn: { accountId: string; clientId: string; amr: readonly Method[] }): Promise<void>;
  maxBodyBytes: number;
  defaultLocale: Locale;
  // A consent to sign documents is its own page (web/signing/signing-approval.ts).
  signingApproval: SigningApproval;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const signInForm = z.object({
  username: z.string().trim().min(1, 'fields.username.required').max(128),
  password: z.string().min(1, 'fields.password.required').max(1024),
});

const codeForm = z.object({ code: z.string().trim().min(1, 'fields.code.required').max(32) });

async function loadInteraction(deps: InteractionDeps, ctx: AppContext): Promise<Details> {
  let details: Details;
  try {
    details = await deps.provider().interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    if ((err as { name?: string }).name === 'SessionNotFound') throw new AppError('interaction_expired', { cause: err });
    throw err;
  }
  if (details.uid !== ctx.params.uid) throw new AppError('interaction_expired');
  const uiLocales = typeof details.params.ui_locales === 'string' ? details.params.ui_locales : undefined;
  ctx.state.locale = localeFor(ctx, deps.defaultLocale, uiLocales);
  const redirect = originOf(details.params.redirect_uri);
  if (redirect) ctx.state.formActions.push(redirect);
  return details;
}

async function loadClient(deps: InteractionDeps, details: Details) {
  const clientId = String(details.params.client_id ?? '');
  const client = await deps.provider().Client.find(clientId);
  return { name: client?.clientName ?? clientId, metadata: (client?.metadata() ?? {}) as Record<string, unknown> };
}

function parseClaims(value: unknown): { id_token?: { acr?: { essential?: boolean; value?: unknown; values?: unknown } } } {
  if (typeof value !== 'string') return {};
  try {
    return JSON.parse(value) as ReturnType<typeof parseClaims>;
  } catch {
    return {};
  }
}

async function requiredLevelOf(deps: InteractionDeps, details: Details): Promise<Level> {
  const { metadata } = await loadClient(deps, details);
  const acr = parseClaims(details.params.claims).id_token?.acr;
  return higher(
    requiredLevel({ clientMinimum: metadata.hawiya_min_acr, acrValues: details.params.acr_values, essentialAcr: acr?.essential ? acr : undefined }),
    levelForSigning(details.params.authorization_details),
  );
}

// Only the level is short: the signed-in person steps up instead of signing in again.
function isStepUp(details: Details): boolean {
  const reasons = details.prompt.reasons ?? [];
  return details.prompt.name === 'login' && details.session?.accountId !== undefined && reasons.length > 0 && reasons.every((reason) => reason === 'acr_level');
}

// Who is signing in and what they have proved: this interaction's progress, or the
// session's own sign-in when stepping up.
async function currentProgress(deps: InteractionDeps, details: Details): Promise<Progress | null> {
  const progress = await readProgress(deps.totp.db, deps.totp.clock, details.uid);
  if (progress) return progress;
  if (isStepUp(details)) return { accountId: details.session!.accountId, amr: (details.session!.amr ?? []) as Method[] };
  return null;
}

function pageData(deps: InteractionDeps, details: Details) {
  const base = `/interaction/${details.uid}`;
  return { csrf: deps.csrf.token(details.uid), abortAction: `${base}/abort`, pagePath: base, base };
}

async function renderLogin(deps: InteractionDeps, ctx: AppContext, details: Details, extra: { username?: string; error?: AppError } = {}) {
  renderPage(ctx, 'interaction/login', {
    ...pageData(deps, details),
    action: `/interaction/${details.uid}/login`,
    clientName: (await loadClient(deps, details)).name,
    username: extra.username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
    error: extra.error,
  });
}

async function finish(deps: InteractionDeps, ctx: AppContext, result: InteractionResults, merge: boolean) {
  const redirectTo = await deps.provider().interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

async function finishSignIn(deps: InteractionDeps, ctx: AppContext, details: Details, progress: Progress): Promise<void> {
  const account = await deps.accounts.findById(progress.accountId);
  if (!account?.active) throw new AppError('signin_failed');
  const amr = withMfa(progress.amr);
  await clearProgress(deps.totp.db, details.uid);
  await deps.onSignedIn(ctx, { accountId: account.id, clientId: String(details.params.client_id ?? ''), amr });
  // The sign-in time comes from our clock, the one every freshness rule reads.
  const ts = Math.floor(deps.totp.clock.now().getTime() / 1000);
  await finish(deps, ctx, { login: { accountId: account.id, acr: ACR[levelOf(amr, account)], amr, remember: true, ts } }, false);
}

// After any factor: done if the level is reached, the next factor's page if one can
// reach it, the OAuth error if none can.
async function advance(deps: InteractionDeps, ctx: AppContext, details: Details, progress: Progress, error?: AppError): Promise<void> {
  const account = await deps.accounts.findById(progress.accountId);
  if (!account?.active) throw new AppError('signin_failed');
  const required = await requiredLevelOf(deps, details);
  if (atLeast(levelOf(progress.amr, account), required)) return finishSignIn(deps, ctx, details, progress);
  const offered = missingFactors(progress.amr, required, await factorsOf(deps.totp.db, account.id, account.verifiedInPerson));
  if (offered.length === 0) {
    await clearProgress(deps.totp.db, details.uid);
    return finish(deps, ctx, { error: 'unmet_authentication_requirements', error_description: `this account cannot reach the ${required} level of assurance` }, false);
  }
  await recordProgress(deps.totp.db, deps.totp.clock, details.uid, progress);
  if (error) ctx.status = error.status;
  const method = typeof ctx.query.method === 'string' ? ctx.query.method : undefined;
  renderPage(ctx, 'interaction/second-factor', {
    ...pageData(deps, details),
    clientName: (await loadClient(deps, details)).name,
    stepUp: isStepUp(details),
    required,
    offered,
    chosen: offered.find((factor) => factor === method) ?? offered[0],
    error,
  });
}

// Second factors are throttled per account like passwords: six digits are guessable.
async function checkSecondFactor(deps: InteractionDeps, accountId: string, attempt: () => Promise<boolean>): Promise<boolean> {
  const key = `second-factor:${accountId}`;
  if ((await deps.throttle.locked([key])).length > 0) return false;
  const ok = await attempt();
  if (ok) await deps.throttle.reset(key);
  else await deps.throttle.recordFailure(key, deps.secondFactorLimits);
  return ok;
}

function fieldErrors(error: z.ZodError): AppError {
  return new AppError('invalid_form', { fields: Object.fromEntries(error.issues.map((issue) => [String(issue.path[0]), issue.message])) });
}

export function createInteractionRouter(deps: InteractionDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/interaction/:uid' });

  router.use(async (ctx, next) => {
    ctx.state.route = 'interaction';
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  // Loads the interaction and, for a POST, its form with the CSRF token checked.
  async function postedForm(ctx: AppContext): Promise<{ details: Details; form: URLSearchParams }> {
    const details = await loadInteraction(deps, ctx);
    const form = await readForm(ctx, deps.maxBodyBytes);
    deps.csrf.assert(details.uid, form.get('csrf'));
    return { details, form };
  }

  async function progressOrFail(details: Details): Promise<Progress> {
    const progress = await currentProgress(deps, details);
    if (!progress || details.prompt.name !== 'login') throw new AppError('interaction_expired');
    return progress;
  }

  router.get('/', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (details.prompt.name === 'login') {
      const progress = await currentProgress(deps, details);
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
      const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
      return renderPage(ctx, 'interaction/consent', {
        ...pageData(deps, details),
        action: `/interaction/${details.uid}/confirm`,
        clientName: (await loadClient(deps, details)).name,
        scopes: missing.filter((scope) => scope !== 'openid' || missing.length === 1),
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
      return await advance(deps, ctx, details, { accountId: account.id, amr: ['pwd'] });
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
    if (!parsed.success) return advance(deps, ctx, details, progress, fieldErrors(parsed.error));
    const ok = await checkSecondFactor(deps, progress.accountId, () => verifyTotp(deps.totp, progress.accountId, parsed.data.code.replace(/\s/g, '')));
    if (!ok) return advance(deps, ctx, details, progress, new AppError('code_failed', { fields: { code: 'fields.code.wrong' } }));
    return advance(deps, ctx, details, { accountId: progress.accountId, amr: merge(progress.amr, ['otp']) });
  });

  router.post('/recovery', async (ctx) => {
    const { details, form } = await postedForm(ctx);
    const progress = await progressOrFail(details);
    const parsed = codeForm.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success) return advance(deps, ctx, details, progress, fieldErrors(parsed.error));
    const ok = await checkSecondFactor(deps, progress.accountId, () => useRecoveryCode(deps.totp.db, deps.totp.clock, progress.accountId, parsed.data.code));
    if (!ok) return advance(deps, ctx, details, progress, new AppError('code_failed', { fields: { code: 'fields.code.wrong' } }));
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
      if (progress) return advance(deps, ctx, details, progress, error);
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
    const promptDetails = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]>; rar?: unknown[] };
    if (promptDetails.missingOIDCScope) grant.addOIDCScope(promptDetails.missingOIDCScope.join(' '));
    if (promptDetails.missingOIDCClaims) grant.addOIDCClaims(promptDetails.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(promptDetails.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    for (const detail of promptDetails.rar ?? []) grant.addRar(detail as Parameters<typeof grant.addRar>[0]);
    const grantId = await grant.save();
    await finish(deps, ctx, { consent: { grantId } }, true);
  });

  router.post('/abort', async (ctx) => {
    const { details } = await postedForm(ctx);
    await clearProgress(deps.totp.db, details.uid);
    await finish(deps, ctx, { error: 'access_denied', error_description: 'the person declined' }, false);
  });

  return router;
}
