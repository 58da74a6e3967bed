// A new set of recovery codes: asked for on its own page (it voids the old set), shown
// once in the answer to the form, never again.
import type Router from '@koa/router';
import type { AccountDeps, AccountState } from './context.ts';
import { freshSignIn } from './me.ts';
import { postedForm, renderAccountPage, renderConfirmation } from './page.ts';
import { formatCount } from './format.ts';
import { translator } from '../render.ts';
import { remainingRecoveryCodes, RECOVERY_CODE_COUNT } from '../../authn/recovery-codes.ts';
import { replaceRecoveryCodes } from '../../authn/factor-changes.ts';

const PATH = '/account/security/recovery-codes';

export function mountRecoveryCodes(router: Router<AccountState>, deps: AccountDeps): void {
  const fresh = freshSignIn(deps);

  router.get('/security/recovery-codes', fresh, async (ctx) => {
    const t = translator(ctx.state.locale);
    const remaining = await remainingRecoveryCodes(deps.db, ctx.state.me.account.id);
    renderConfirmation(deps, ctx, 'security', {
      title: t('account.recovery.newTitle'),
      paragraphs: [
        t('account.recovery.newLead', { count: formatCount(ctx.state.locale, RECOVERY_CODE_COUNT) }),
        remaining > 0 ? t('account.recovery.replaces', { count: formatCount(ctx.state.locale, remaining) }) : t('account.recovery.firstSet'),
      ],
      action: PATH,
      button: t('account.recovery.newButton'),
      back: '/account/security',
    });
  });

  router.post('/security/recovery-codes', fresh, async (ctx) => {
    await postedForm(deps, ctx);
    const codes = await replaceRecoveryCodes(deps, { accountId: ctx.state.me.account.id, requestId: ctx.state.requestId });
    renderAccountPage(deps, ctx, 'recovery-codes', 'security', { codes, pagePath: '/account/security' });
  });
}
