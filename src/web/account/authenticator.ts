// Adding and removing the authenticator app (TOTP). Adding shows a QR code and the same
// secret as text, then takes one code from the app to prove it was set up.
import type Router from '@koa/router';
import { z } from 'zod';
import type { AccountContext, AccountDeps, AccountState } from './context.ts';
import { freshSignIn } from './me.ts';
import { postedForm, redirectAfterPost, renderAccountPage, renderConfirmation } from './page.ts';
import { groupSecret } from './format.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { beginTotpEnrolment, hasTotp, pendingTotpEnrolment } from '../../authn/totp.ts';
import { confirmAuthenticatorApp, removeAuthenticatorApp } from '../../authn/factor-changes.ts';
import { factorsOf } from '../../authn/sign-in-flow.ts';
import { reachableLevel } from '../../authn/reachable-level.ts';
import type { Level } from '../../authn/assurance.ts';

const PATH = '/account/security/authenticator';
// A pending secret is shown again for this long, then a new one is made.
const PENDING_SECONDS = 15 * 60;

const codeForm = z.object({ code: z.string().transform((code) => code.replace(/\s/g, '')).pipe(z.string().min(1, 'fields.code.required').max(32)) });

async function renderEnrolment(deps: AccountDeps, ctx: AccountContext, error?: AppError): Promise<void> {
  const { account } = ctx.state.me;
  const enrolment = await pendingTotpEnrolment(deps.totp, account.id, account.username, PENDING_SECONDS) ?? await beginTotpEnrolment(deps.totp, account.id, account.username);
  if (error) ctx.status = error.status;
  renderAccountPage(deps, ctx, 'authenticator', 'security', {
    error,
    pagePath: PATH,
    qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`,
    secret: groupSecret(enrolment.secret),
  });
}

// In words: what the person can still reach once a factor is gone.
export function levelAfterRemoval(t: ReturnType<typeof translator>, level: Level): string {
  return level === 'low' ? t('account.remove.onlyLow') : t('account.remove.levelAfter', { level: t(`second.levels.${level}`) });
}

export function mountAuthenticator(router: Router<AccountState>, deps: AccountDeps): void {
  const fresh = freshSignIn(deps);
  const alreadyThere = (ctx: AccountContext) => {
    ctx.status = 303;
    ctx.redirect('/account/security');
  };

  router.get('/security/authenticator', fresh, async (ctx) => {
    if (await hasTotp(deps.db, ctx.state.me.account.id)) return alreadyThere(ctx);
    await renderEnrolment(deps, ctx);
  });

  router.post('/security/authenticator', fresh, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const { account } = ctx.state.me;
    if (await hasTotp(deps.db, account.id)) return alreadyThere(ctx);
    const parsed = codeForm.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success) return renderEnrolment(deps, ctx, new AppError('invalid_form', { fields: { code: parsed.error.issues[0]!.message } }));
    // Six digits are guessable: failures are counted, as at sign-in.
    const key = `totp-enrolment:${account.id}`;
    if ((await deps.throttle.locked([key])).length > 0) return renderEnrolment(deps, ctx, new AppError('rate_limited'));
    const change = { accountId: account.id, requestId: ctx.state.requestId };
    if (!(await confirmAuthenticatorApp(deps.totp, change, parsed.data.code))) {
      await deps.throttle.recordFailure(key, deps.enrolmentLimits);
      return renderEnrolment(deps, ctx, new AppError('code_failed', { fields: { code: 'account.totp.codeWrong' } }));
    }
    await deps.throttle.reset(key);
    redirectAfterPost(ctx, '/account/security', 'totp-added');
  });

  router.get('/security/authenticator/remove', fresh, async (ctx) => {
    const { account } = ctx.state.me;
    const factors = await factorsOf(deps.db, account.id, account.verifiedInPerson);
    if (!factors.totp) return alreadyThere(ctx);
    const t = translator(ctx.state.locale);
    renderConfirmation(deps, ctx, 'security', {
      title: t('account.totp.removeTitle'),
      paragraphs: [t('account.totp.removeLead'), levelAfterRemoval(t, reachableLevel({ ...factors, totp: false }))],
      action: `${PATH}/remove`,
      button: t('account.totp.removeButton'),
      back: '/account/security',
    });
  });

  router.post('/security/authenticator/remove', fresh, async (ctx) => {
    await postedForm(deps, ctx);
    await removeAuthenticatorApp(deps, { accountId: ctx.state.me.account.id, requestId: ctx.state.requestId });
    redirectAfterPost(ctx, '/account/security', 'totp-removed');
  });
}
