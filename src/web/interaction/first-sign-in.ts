// The first sign-in, inside the relying party's own sign-in so the citizen lands where
// they started: the username and activation code from the counter's slip, a password of
// their own, then a second factor (authenticator app or passkey); then the account is
// active and the sign-in finishes at the level the factors reach.
//
//   /activate ──code proved──► /activate/password ──setFirstPasswordOfAccount──► /activate/factor
//     ──► /activate/totp | /activate/passkey ──enrolled──► completeActivation ──► advance (finish)
//
// Between pages the account id is kept server-side in signin_progress, keyed by the
// interaction: amr [] once the code is proved, [pwd] once the password is set. The
// account's own state says which page comes next, so a person who left before enrolling a
// factor resumes there after signing in with their password.
import type Router from '@koa/router';
import { z } from 'zod';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { translate } from '../i18n.ts';
import { AppError } from '../../errors.ts';
import { advance, fieldErrors, loadInteraction, pageData, postedForm, loadClient, type Details, type InteractionDeps } from './flow.ts';
import { readProgress, recordProgress, clearProgress, merge, type Progress } from '../../authn/sign-in-flow.ts';
import { normaliseUsername, type Account } from '../../authn/accounts.ts';
import { passkeyMethods } from '../../authn/assurance.ts';
import { beginTotpEnrolment, pendingTotpEnrolment } from '../../authn/totp.ts';
import { registrationOptions, PasskeyError } from '../../authn/passkeys.ts';
import { addPasskey, confirmAuthenticatorApp } from '../../authn/factor-changes.ts';
import { checkNewPassword } from '../../authn/password-policy.ts';
import { checkActivationCode, completeActivation, setFirstPasswordOfAccount } from '../../enrolment/activation-codes.ts';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';

// Set by /activate (activation-entry.ts) for someone with no relying party: their
// sign-in opens on the activation page instead of the password page.
export const ACTIVATE_COOKIE = 'hawiya_activate';
// A pending authenticator-app secret is shown again for this long, then a new one is made.
const PENDING_TOTP_SECONDS = 15 * 60;

const codeForm = z.object({
  username: z.string().trim().min(1, 'fields.username.required').max(128, 'fields.username.required'),
  activationCode: z.string().trim().min(1, 'fields.activationCode.required').max(64, 'fields.activationCode.wrong'),
});

const totpForm = z.object({ code: z.string().transform((code) => code.replace(/\s/g, '')).pipe(z.string().min(1, 'fields.code.required').max(32)) });

type Step = 'password' | 'factor';

const stepOf = (account: Account): Step | null =>
  account.state === 'awaiting_password' ? 'password' : account.awaitingSecondFactor ? 'factor' : null;

function goTo(ctx: AppContext, details: Details, path: string): void {
  ctx.status = 303;
  ctx.redirect(`/interaction/${details.uid}/activate${path}`);
}

// The sign-in page, or a page of this flow: where a person with this interaction's
// progress (or the /activate cookie) should be. True when it answered with a redirect.
export async function resumeFirstSignIn(deps: InteractionDeps, ctx: AppContext, details: Details, progress: Progress | null): Promise<boolean> {
  if (!progress) {
    if (!ctx.cookies.get(ACTIVATE_COOKIE, { signed: true })) return false;
    ctx.cookies.set(ACTIVATE_COOKIE, null, { signed: true, path: '/interaction', overwrite: true });
    goTo(ctx, details, '');
    return true;
  }
  const account = await deps.accounts.findById(progress.accountId);
  const step = account ? stepOf(account) : null;
  if (!step) return false;
  goTo(ctx, details, `/${step}`);
  return true;
}

// The password was proved on the sign-in page, for an account still without a factor.
export async function continueToFactorEnrolment(deps: InteractionDeps, ctx: AppContext, details: Details, accountId: string): Promise<void> {
  await recordProgress(deps.totp.db, deps.totp.clock, details.uid, { accountId, amr: ['pwd'] });
  goTo(ctx, details, '/factor');
}

export function mountFirstSignIn(router: Router<AppState>, deps: InteractionDeps): void {
  const { db, clock } = deps.totp;

  // This interaction's first sign-in at `step`, or a redirect to where it really is.
  async function at(ctx: AppContext, details: Details, step: Step): Promise<{ progress: Progress; account: Account } | null> {
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    const progress = await readProgress(db, clock, details.uid);
    const account = progress ? await deps.accounts.findById(progress.accountId) : null;
    if (!progress || !account) {
      goTo(ctx, details, '');
      return null;
    }
    const actual = stepOf(account);
    if (actual === step && (step === 'password' || progress.amr.includes('pwd'))) return { progress, account };
    if (actual) {
      goTo(ctx, details, `/${actual}`);
    } else {
      // Active already (another tab finished): the sign-in page takes it from here.
      ctx.status = 303;
      ctx.redirect(`/interaction/${details.uid}`);
    }
    return null;
  }

  async function render(ctx: AppContext, details: Details, view: string, data: Record<string, unknown> = {}, error?: AppError): Promise<void> {
    if (error) ctx.status = error.status;
    renderPage(ctx, `interaction/${view}`, {
      ...pageData(deps, details),
      pagePath: ctx.method === 'GET' ? ctx.path : undefined,
      clientName: (await loadClient(deps, details)).name,
      error,
      ...data,
    });
  }

  const renderCodePage = (ctx: AppContext, details: Details, username = '', error?: AppError) =>
    render(ctx, details, 'activate', { username, pagePath: `/interaction/${details.uid}/activate` }, error);

  router.get('/activate', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    await renderCodePage(ctx, details, typeof details.params.login_hint === 'string' ? details.params.login_hint : '');
  });

  // Codes are throttled like passwords: per username and per address, failures only.
  router.post('/activate', async (ctx) => {
    const { details, form } = await postedForm(deps, ctx);
    if (details.prompt.name !== 'login') throw new AppError('bad_request');
    const typed = form.get('username') ?? '';
    const parsed = codeForm.safeParse({ username: typed, activationCode: form.get('activationCode') ?? '' });
    if (!parsed.success) return renderCodePage(ctx, details, typed, fieldErrors(parsed.error));
    const userKey = `activation:user:${normaliseUsername(parsed.data.username)}`;
    const ipKey = `activation:ip:${ctx.ip}`;
    if ((await deps.throttle.locked([userKey, ipKey])).length > 0) return renderCodePage(ctx, details, typed, new AppError('rate_limited'));
    const accountId = await checkActivationCode(db, clock, { username: parsed.data.username, code: parsed.data.activationCode });
    if (!accountId) {
      await deps.throttle.recordFailure(userKey, deps.activationLimits.account);
      await deps.throttle.recordFailure(ipKey, deps.activationLimits.ip);
      return renderCodePage(ctx, details, typed, new AppError('activation_failed', { fields: { activationCode: 'fields.activationCode.wrong' } }));
    }
    await deps.throttle.reset(userKey);
    await recordProgress(db, clock, details.uid, { accountId, amr: [] });
    goTo(ctx, details, '/password');
  });

  const renderPasswordPage = (ctx: AppContext, details: Details, account: Account, error?: AppError) =>
    render(ctx, details, 'activate-password', { username: account.username }, error);

  router.get('/activate/password', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    const here = await at(ctx, details, 'password');
    if (here) await renderPasswordPage(ctx, details, here.account);
  });

  router.post('/activate/password', async (ctx) => {
    const { details, form } = await postedForm(deps, ctx);
    const here = await at(ctx, details, 'password');
    if (!here) return;
    const password = form.get('newPassword') ?? '';
    const person = await deps.persons.findById(here.account.id);
    const problem = checkNewPassword(password, { username: here.account.username, eid: person?.eid });
    const fields: Record<string, string> = problem ? { newPassword: problem } : {};
    if (!problem && password !== (form.get('confirmPassword') ?? '')) fields.confirmPassword = 'fields.confirmPassword.mismatch';
    if (Object.keys(fields).length > 0) return renderPasswordPage(ctx, details, here.account, new AppError('invalid_form', { fields }));
    try {
      await setFirstPasswordOfAccount({ db, clock, hasher: deps.hasher }, { accountId: here.account.id, password, requestId: ctx.state.requestId });
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'activation_failed') throw err;
      // The code expired, or was spent elsewhere, since it was typed: start again.
      await clearProgress(db, details.uid);
      return renderCodePage(ctx, details, here.account.username, err);
    }
    await recordProgress(db, clock, details.uid, { accountId: here.account.id, amr: ['pwd'] });
    goTo(ctx, details, '/factor');
  });

  router.get('/activate/factor', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (await at(ctx, details, 'factor')) await render(ctx, details, 'activate-factor');
  });

  router.post('/activate/factor', async (ctx) => {
    const { details, form } = await postedForm(deps, ctx);
    if (!(await at(ctx, details, 'factor'))) return;
    const factor = form.get('factor');
    if (factor !== 'totp' && factor !== 'passkey') {
      return render(ctx, details, 'activate-factor', {}, new AppError('invalid_form', { fields: { 'factor-totp': 'fields.factor.required' } }));
    }
    goTo(ctx, details, `/${factor}`);
  });

  async function renderTotpPage(ctx: AppContext, details: Details, account: Account, error?: AppError): Promise<void> {
    const enrolment = await pendingTotpEnrolment(deps.totp, account.id, account.username, PENDING_TOTP_SECONDS)
      ?? await beginTotpEnrolment(deps.totp, account.id, account.username);
    await render(ctx, details, 'activate-totp', {
      qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString('base64')}`,
      secret: enrolment.secret.match(/.{1,4}/g)?.join(' ') ?? enrolment.secret,
    }, error);
  }

  // The last step: the account becomes active, and the sign-in goes on as any other.
  async function complete(ctx: AppContext, details: Details, progress: Progress, amr: Progress['amr']): Promise<void> {
    if (!(await completeActivation({ db, clock }, { accountId: progress.accountId, requestId: ctx.state.requestId }))) throw new AppError('account_state');
    await advance(deps, ctx, details, { accountId: progress.accountId, amr: merge(progress.amr, amr) });
  }

  router.get('/activate/totp', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    const here = await at(ctx, details, 'factor');
    if (here) await renderTotpPage(ctx, details, here.account);
  });

  router.post('/activate/totp', async (ctx) => {
    const { details, form } = await postedForm(deps, ctx);
    const here = await at(ctx, details, 'factor');
    if (!here) return;
    const parsed = totpForm.safeParse({ code: form.get('code') ?? '' });
    if (!parsed.success) return renderTotpPage(ctx, details, here.account, fieldErrors(parsed.error));
    // Six digits are guessable: failures are counted, as on the account pages.
    const key = `totp-enrolment:${here.account.id}`;
    if ((await deps.throttle.locked([key])).length > 0) return renderTotpPage(ctx, details, here.account, new AppError('rate_limited'));
    if (!(await confirmAuthenticatorApp(deps.totp, { accountId: here.account.id, requestId: ctx.state.requestId }, parsed.data.code))) {
      await deps.throttle.recordFailure(key, deps.secondFactorLimits);
      return renderTotpPage(ctx, details, here.account, new AppError('code_failed', { fields: { code: 'account.totp.codeWrong' } }));
    }
    await deps.throttle.reset(key);
    await complete(ctx, details, here.progress, ['otp']);
  });

  router.get('/activate/passkey', async (ctx) => {
    const details = await loadInteraction(deps, ctx);
    if (await at(ctx, details, 'factor')) await render(ctx, details, 'activate-passkey');
  });

  // JSON for the page's script (public/passkeys.js).
  router.post('/activate/passkey/options', async (ctx) => {
    const { details } = await postedForm(deps, ctx);
    const progress = await readProgress(db, clock, details.uid);
    const account = progress ? await deps.accounts.findById(progress.accountId) : null;
    if (!progress || !account?.awaitingSecondFactor || !progress.amr.includes('pwd')) throw new AppError('interaction_expired');
    const person = await deps.persons.findById(account.id);
    const displayName = person ? `${person.names.lat.given} ${person.names.lat.family}` : account.username;
    ctx.body = await registrationOptions(deps.passkeys, { id: account.id, username: account.username, displayName });
  });

  router.post('/activate/passkey', async (ctx) => {
    const { details, form } = await postedForm(deps, ctx);
    const here = await at(ctx, details, 'factor');
    if (!here) return;
    let added;
    try {
      const response = JSON.parse(form.get('response') ?? 'null') as RegistrationResponseJSON;
      added = await addPasskey(deps.passkeys, { accountId: here.account.id, requestId: ctx.state.requestId }, { challengeId: form.get('challengeId') ?? '', response, name: translate(ctx.state.locale, 'account.passkeys.defaultName') });
    } catch (err) {
      if (!(err instanceof PasskeyError) && !(err instanceof SyntaxError)) throw err;
      return render(ctx, details, 'activate-passkey', {}, new AppError('passkey_not_added'));
    }
    await complete(ctx, details, here.progress, passkeyMethods(added.backedUp));
  });
}
