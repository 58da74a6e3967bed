// POST /backchannel-logout: Hawiya tells the example that a person signed out. The
// logout token is checked (logout-token.ts), then the example's sessions for that
// Hawiya session end. Answers per Back-Channel Logout 1.0 §2.8: 200 when done, 400 with
// an OAuth error otherwise, never cached.
import type { Context } from 'koa';
import { readForm } from './body.ts';
import { LogoutTokenError, type LogoutTokenVerifier, type LogoutClaims } from './logout-token.ts';

export function backchannelLogout(deps: { verifier: LogoutTokenVerifier; endSessions(claims: LogoutClaims): void }) {
  return async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    const token = (await readForm(ctx)).get('logout_token');
    if (!token) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: 'logout_token is missing' };
      return;
    }
    try {
      deps.endSessions(await deps.verifier.verify(token));
      ctx.status = 200;
      ctx.body = '';
    } catch (err) {
      if (!(err instanceof LogoutTokenError)) throw err;
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', error_description: `logout_token refused: ${err.message}` };
    }
  };
}
