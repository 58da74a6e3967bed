// /account/language: the language of Hawiya's pages and messages for this person, kept
// on the account (for other devices and notices) and in this browser's cookie.
import type Router from '@koa/router';
import type { AccountContext, AccountDeps, AccountState } from './context.ts';
import { noticeOf, postedForm, redirectAfterPost, renderAccountPage } from './page.ts';
import { rememberLocale } from '../locale.ts';
import { isLocale, LOCALES } from '../i18n.ts';
import { AppError } from '../../errors.ts';
import { chooseLocale } from '../../authn/account-preferences.ts';

const NAMES = { ar: 'العربية', fr: 'Français', en: 'English' } as const;

export function mountLanguage(router: Router<AccountState>, deps: AccountDeps): void {
  const render = (ctx: AccountContext, error?: AppError) => {
    if (error) ctx.status = error.status;
    renderAccountPage(deps, ctx, 'language', 'language', {
      notice: noticeOf(ctx, { saved: 'account.language.saved' }),
      error,
      pagePath: '/account/language',
      choices: LOCALES.map((code) => ({ code, name: NAMES[code], checked: code === ctx.state.locale })),
    });
  };

  router.get('/language', async (ctx) => render(ctx));

  router.post('/language', async (ctx) => {
    const form = await postedForm(deps, ctx);
    const locale = form.get('locale');
    if (!isLocale(locale)) return render(ctx, new AppError('invalid_form', { fields: { 'locale-ar': 'account.language.choose' } }));
    await chooseLocale(deps, { accountId: ctx.state.me.account.id, requestId: ctx.state.requestId }, locale);
    rememberLocale(ctx, locale);
    redirectAfterPost(ctx, '/account/language', 'saved');
  });
}
