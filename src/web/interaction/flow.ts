// What every interaction page does: load the interaction (and its language and the
// relying party's origin for the CSP), render with a CSRF token bound to it, move a
// sign-in along its factors, and hand the result back to the provider. The sign-in pages
// (router.ts) and the first sign-in with an activation code (first-sign-in.ts) share it.
import type { Provider, InteractionResults } from 'oidc-provider';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { AppContext } from '../context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { Csrf } from '../csrf.ts';
import { localeFor } from '../locale.ts';
import { originOf } from '../security-headers.ts';
import type { Locale } from '../i18n.ts';
import type { SignInDeps } from '../../authn/sign-in.ts';
import { ACR, atLeast, higher, levelOf, requiredLevel, withMfa, type Level, type Method } from '../../authn/assurance.ts';
import { readProgress, recordProgress, clearProgress, factorsOf, missingFactors, type Progress } from '../../authn/sign-in-flow.ts';
import type { TotpDeps } from '../../authn/totp.ts';
import type { PasskeyDeps } from '../../authn/passkeys.ts';
import type { Account, AccountDirectory } from '../../authn/accounts.ts';
import { levelForSigning } from '../../signing/credential-details.ts';
import type { SigningApproval } from '../signing/signing-approval.ts';
import type { Throttle, ThrottleLimits } from '../../authn/throttle.ts';
import type { PasswordHasher } from '../../authn/passwords.ts';
import type { PersonQueries } from '../../register/persons.ts';

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
  // The first sign-in with an activation code (first-sign-in.ts).
  persons: PersonQueries;
  hasher: PasswordHasher;
  // Failed activation codes, per username (account limits) and per address (ip limits).
  activationLimits: { account: ThrottleLimits; ip: ThrottleLimits };
  // A consent to sign documents is its own page (web/signing/signing-approval.ts).
  signingApproval: SigningApproval;
}

export type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

export async function loadInteraction(deps: InteractionDeps, ctx: AppContext): Promise<Details> {
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

export async function loadClient(deps: InteractionDeps, details: Details) {
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

export async function requiredLevelOf(deps: InteractionDeps, details: Details): Promise<Level> {
  const { metadata } = await loadClient(deps, details);
  const acr = parseClaims(details.params.claims).id_token?.acr;
  return higher(
    requiredLevel({ clientMinimum: metadata.hawiya_min_acr, acrValues: details.params.acr_values, essentialAcr: acr?.essential ? acr : undefined }),
    levelForSigning(details.params.authorization_details),
  );
}

// Only the level is short: the signed-in person steps up instead of signing in again.
export function isStepUp(details: Details): boolean {
  const reasons = details.prompt.reasons ?? [];
  return details.prompt.name === 'login' && details.session?.accountId !== undefined && reasons.length > 0 && reasons.every((reason) => reason === 'acr_level');
}

// Who is signing in and what they have proved: this interaction's progress, or the
// session's own sign-in when stepping up.
export async function currentProgress(deps: InteractionDeps, details: Details, stored?: Progress | null): Promise<Progress | null> {
  const progress = stored === undefined ? await readProgress(deps.totp.db, deps.totp.clock, details.uid) : stored;
  if (progress) return progress;
  if (isStepUp(details)) return { accountId: details.session!.accountId, amr: (details.session!.amr ?? []) as Method[] };
  return null;
}

// Loads the interaction and, for a POST, its form with the CSRF token checked.
export async function postedForm(deps: InteractionDeps, ctx: AppContext): Promise<{ details: Details; form: URLSearchParams }> {
  const details = await loadInteraction(deps, ctx);
  const form = await readForm(ctx, deps.maxBodyBytes);
  deps.csrf.assert(details.uid, form.get('csrf'));
  return { details, form };
}

export function pageData(deps: InteractionDeps, details: Details) {
  const base = `/interaction/${details.uid}`;
  return { csrf: deps.csrf.token(details.uid), abortAction: `${base}/abort`, pagePath: base, base };
}

export async function renderLogin(deps: InteractionDeps, ctx: AppContext, details: Details, extra: { username?: string; error?: AppError } = {}) {
  renderPage(ctx, 'interaction/login', {
    ...pageData(deps, details),
    action: `/interaction/${details.uid}/login`,
    clientName: (await loadClient(deps, details)).name,
    username: extra.username ?? (typeof details.params.login_hint === 'string' ? details.params.login_hint : ''),
    error: extra.error,
  });
}

export async function finish(deps: InteractionDeps, ctx: AppContext, result: InteractionResults, merge: boolean) {
  const redirectTo = await deps.provider().interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.status = 303;
  ctx.redirect(redirectTo);
}

// `known`: the account as this request already read it (a sign-in reads it once).
export async function finishSignIn(deps: InteractionDeps, ctx: AppContext, details: Details, progress: Progress, known?: Account): Promise<void> {
  const account = known?.id === progress.accountId ? known : await deps.accounts.findById(progress.accountId);
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
export async function advance(deps: InteractionDeps, ctx: AppContext, details: Details, progress: Progress, options: { error?: AppError; account?: Account } = {}): Promise<void> {
  const { error } = options;
  const account = options.account?.id === progress.accountId ? options.account : await deps.accounts.findById(progress.accountId);
  if (!account?.active) throw new AppError('signin_failed');
  const required = await requiredLevelOf(deps, details);
  if (atLeast(levelOf(progress.amr, account), required)) return finishSignIn(deps, ctx, details, progress, account);
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
export async function checkSecondFactor(deps: InteractionDeps, accountId: string, attempt: () => Promise<boolean>): Promise<boolean> {
  const key = `second-factor:${accountId}`;
  if ((await deps.throttle.locked([key])).length > 0) return false;
  const ok = await attempt();
  if (ok) await deps.throttle.reset(key);
  else await deps.throttle.recordFailure(key, deps.secondFactorLimits);
  return ok;
}

export function fieldErrors(error: z.ZodError): AppError {
  return new AppError('invalid_form', { fields: Object.fromEntries(error.issues.map((issue) => [String(issue.path[0]), issue.message])) });
}

