// /account/suspend: the holder stops their own account at once (a lost phone, a
// suspicion). It asks first and names the effect; it needs a fresh sign-in like any
// change to how the person signs in; afterwards every session is gone, and only a visit
// to an office brings the account back.
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { freshSignIn } from './me.ts';
import { postedForm, renderConfirmation } from './page.ts';
import { renderPage, translator } from '../render.ts';
import { sessionCookieName } from '../../oidc/sessions.ts';
import { suspendOwnAccount } from '../../enrolment/lifecycle.ts';

const PATH = '/account/suspend';

export function mountSuspend(router: Router<AccountState>, deps: AccountDeps): void {
  const fresh = freshSignIn(deps);

  router.get('/suspend', fresh, async (ctx) => {
    const t = translator(ctx.state.locale);
    renderConfirmation(deps, ctx, 'security', {
      title: t('account.suspend.title'),
      paragraphs: [t('account.suspend.lead'), t('account.suspend.effectSignIns'), t('account.suspend.effectReturn')],
      action: PATH,
      button: t('account.suspend.button'),
      back: '/account/security',
    });
  });

  router.post('/suspend', fresh, async (ctx) => {
    await postedForm(deps, ctx);
    await suspendOwnAccount(deps, { accountId: ctx.state.me.account.id, requestId: ctx.state.requestId });
    // The sessions are deleted with the suspension; the cookie goes too.
    ctx.cookies.set(sessionCookieName(deps.provider()), null, { signed: true, overwrite: true });
    renderPage(ctx, 'account/suspended', { pagePath: '/account' });
  });
}
