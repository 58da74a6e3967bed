// Signing in to the account pages: an authorization request of Hawiya's own client
// (hawiya-account), like any relying party's. The session it leaves is what the pages
// then read; the code is not redeemed. A change to sign-in factors asks for a fresh
// sign-in: the same request with prompt=login and max_age=0, at the level changes need.
//
//   /account (no session) ─► /auth ─► sign-in pages ─► /account/callback ─► the page asked for
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import type { AccountDeps } from './context.ts';
import { accountAuthorizationUrl } from '../../oidc/first-party.ts';
import { ACR, type Level } from '../../authn/assurance.ts';

const PENDING_COOKIE = 'hawiya_account_signin';
const PENDING_MS = 30 * 60 * 1000;
// Only the account pages' own paths: never an open redirect.
const ACCOUNT_PATH = /^\/account(\/[a-z0-9-]+)*$/;

interface Pending {
  state: string;
  returnTo: string;
}

export function safeReturnPath(path: unknown): string {
  return typeof path === 'string' && ACCOUNT_PATH.test(path) ? path : '/account';
}

export function startSignIn(deps: Pick<AccountDeps, 'provider'>, ctx: AppContext, input: { returnTo: string; reauthenticate?: Level }): void {
  const state = randomBytes(16).toString('base64url');
  // PKCE is required of every client; the code is not redeemed, so the verifier is not kept.
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const pending: Pending = { state, returnTo: safeReturnPath(input.returnTo) };
  ctx.cookies.set(PENDING_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/account', maxAge: PENDING_MS, overwrite: true,
  });
  const params: Record<string, string> = { state, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: ctx.state.locale };
  if (input.reauthenticate) {
    params.prompt = 'login';
    params.max_age = '0';
    if (input.reauthenticate !== 'low') params.acr_values = ACR[input.reauthenticate];
  }
  // A form's POST is answered with 303 so the browser follows with a GET.
  if (ctx.method !== 'GET') ctx.status = 303;
  ctx.redirect(accountAuthorizationUrl(deps.provider(), params));
}

// The pending sign-in's return path, when the callback's state is the one this browser
// started; any other callback lands on /account, which checks the session itself.
export function returnPathAfterSignIn(ctx: AppContext): string {
  const raw = ctx.cookies.get(PENDING_COOKIE, { signed: true });
  ctx.cookies.set(PENDING_COOKIE, null, { signed: true, path: '/account', overwrite: true });
  if (!raw) return '/account';
  let pending: Partial<Pending>;
  try {
    pending = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Partial<Pending>;
  } catch {
    return '/account';
  }
  return typeof pending.state === 'string' && pending.state === ctx.query.state ? safeReturnPath(pending.returnTo) : '/account';
}
