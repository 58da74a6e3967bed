// The person's own account pages, under /account. Every page but the sign-in callback
// needs the person's Hawiya session (me.ts); changes to sign-in factors need a recent
// sign-in as well. Each area is one file:
//
//   /account             profile.ts         the register's details, read-only
//   /account/security    security.ts        factors and their level
//     …/authenticator    authenticator.ts   add, remove
//     …/passkeys         passkeys.ts        add, rename, remove
//     …/recovery-codes   recovery-codes.ts  a new set, shown once
//   /account/signature   ../signing/account-signature.ts  the signing certificate
//   /account/sessions    sessions.ts        sign out of one session, or of all
//   /account/services    services.ts        grants, and withdrawing them
//   /account/activity    activity.ts        the audit log about the person
//   /account/language    language.ts        the language preference
//   /account/suspend     suspend.ts         suspending the account, at once
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AccountDeps, AccountState } from './context.ts';
import { loadMe, signedIn } from './me.ts';
import { returnPathAfterSignIn } from './sign-in.ts';
import { mountProfile } from './profile.ts';
import { mountSecurity } from './security.ts';
import { mountAuthenticator } from './authenticator.ts';
import { mountPasskeys } from './passkeys.ts';
import { mountRecoveryCodes } from './recovery-codes.ts';
import { mountSessions } from './sessions.ts';
import { mountServices } from './services.ts';
import { mountActivity } from './activity.ts';
import { mountLanguage } from './language.ts';
import { mountSuspend } from './suspend.ts';
import { mountSignature } from '../signing/account-signature.ts';
import { renderPage } from '../render.ts';

export type { AccountDeps } from './context.ts';

// Two routers: the callback, open to anyone, and the pages behind the signed-in guard.
export function createAccountRouters(deps: AccountDeps): Array<Router<AccountState>> {
  const open = new Router<AccountState>({ prefix: '/account' });
  const router = new Router<AccountState>({ prefix: '/account' });

  // The person's own details: never cached, on any page.
  const noStore: Middleware<AccountState> = async (ctx, next) => {
    ctx.state.route = 'account';
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
  open.use(noStore);
  router.use(noStore, signedIn(deps));

  // The end of the account client's authorization request. A refusal (the person
  // cancelled, or could not confirm it was them) is said in words.
  open.get('/callback', async (ctx) => {
    const returnTo = returnPathAfterSignIn(ctx);
    if (typeof ctx.query.error === 'string') {
      const signedInStill = (await loadMe(deps, ctx)) !== null;
      return renderPage(ctx, 'account/not-signed-in', { signedInStill, pagePath: '/account' });
    }
    ctx.redirect(returnTo);
  });

  mountProfile(router, deps);
  mountSecurity(router, deps);
  mountAuthenticator(router, deps);
  mountPasskeys(router, deps);
  mountRecoveryCodes(router, deps);
  mountSignature(router, deps);
  mountSessions(router, deps);
  mountServices(router, deps);
  mountActivity(router, deps);
  mountLanguage(router, deps);
  mountSuspend(router, deps);

  return [open, router];
}
