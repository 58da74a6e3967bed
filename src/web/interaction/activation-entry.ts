// /activate: the first sign-in for someone who comes with their slip but no service to
// sign in to. It starts Hawiya's own account sign-in, marked so that the sign-in opens on
// the activation page; once active, the person lands on their account pages.
import Router from '@koa/router';
import type { AppState } from '../context.ts';
import { startSignIn } from '../account/sign-in.ts';
import type { AccountDeps } from '../account/context.ts';
import { ACTIVATE_COOKIE } from './first-sign-in.ts';

const MARK_MS = 10 * 60 * 1000;

export function createActivationEntryRouter(deps: Pick<AccountDeps, 'provider'>): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/activate', async (ctx) => {
    ctx.state.route = 'activate';
    ctx.set('Cache-Control', 'no-store');
    ctx.cookies.set(ACTIVATE_COOKIE, '1', { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/interaction', maxAge: MARK_MS, overwrite: true });
    startSignIn(deps, ctx, { returnTo: '/account' });
  });
  return router;
}
