// Signing in to Hawiya's own pages (the account pages, the counter app): an authorization
// request of Hawiya's own client, like any relying party's. The session it leaves is what
// the pages then read; the code is not redeemed.
//
//   /account or /office (no session) ─► /auth ─► sign-in pages ─► …/callback ─► the page asked for
import { createHash, randomBytes } from 'node:crypto';
import type { AppContext } from './context.ts';
import type { Provider } from 'oidc-provider';
import { firstPartyAuthorizationUrl, type FirstPartyClient } from '../oidc/first-party.ts';
import { ACR, type Level } from '../authn/assurance.ts';

const PENDING_MS = 30 * 60 * 1000;

interface Pending {
  state: string;
  returnTo: string;
}

export interface FirstPartySignIn {
  // Only the page set's own paths: never an open redirect.
  safeReturnPath(path: unknown): string;
  // `reauthenticate` asks for a fresh sign-in at that level; `level` only for that level.
  start(provider: Provider, ctx: AppContext, input: { returnTo: string; reauthenticate?: Level; level?: Level }): void;
  // The pending sign-in's return path, when the callback's state is the one this browser
  // started; any other callback lands on the base path, which checks the session itself.
  returnPathAfterSignIn(ctx: AppContext): string;
}

export function createFirstPartySignIn(client: FirstPartyClient, base: '/account' | '/office'): FirstPartySignIn {
  const cookie = `hawiya_${base.slice(1)}_signin`;
  const ownPath = new RegExp(`^${base}(/[a-z0-9-]+)*$`);
  const safeReturnPath = (path: unknown) => (typeof path === 'string' && ownPath.test(path) ? path : base);
  return {
    safeReturnPath,
    start(provider, ctx, input) {
      const state = randomBytes(16).toString('base64url');
      // PKCE is required of every client; the code is not redeemed, so the verifier is not kept.
      const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
      const pending: Pending = { state, returnTo: safeReturnPath(input.returnTo) };
      ctx.cookies.set(cookie, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
        signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: base, maxAge: PENDING_MS, overwrite: true,
      });
      const params: Record<string, string> = { state, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: ctx.state.locale };
      if (input.reauthenticate) {
        params.prompt = 'login';
        params.max_age = '0';
      }
      const level = input.reauthenticate ?? input.level;
      if (level && level !== 'low') params.acr_values = ACR[level];
      // A form's POST is answered with 303 so the browser follows with a GET.
      if (ctx.method !== 'GET') ctx.status = 303;
      ctx.redirect(firstPartyAuthorizationUrl(provider, client, params));
    },
    returnPathAfterSignIn(ctx) {
      const raw = ctx.cookies.get(cookie, { signed: true });
      ctx.cookies.set(cookie, null, { signed: true, path: base, overwrite: true });
      if (!raw) return base;
      let pending: Partial<Pending>;
      try {
        pending = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Partial<Pending>;
      } catch {
        return base;
      }
      return typeof pending.state === 'string' && pending.state === ctx.query.state ? safeReturnPath(pending.returnTo) : base;
    },
  };
}
