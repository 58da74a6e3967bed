// /account/sessions: where the person is signed in, with each session's services, and
// signing out of one or of all. Ending the session in use shows the signed-out page.
import type Router from '@koa/router';
import type { AccountContext, AccountDeps, AccountState } from './context.ts';
import { noticeOf, postedForm, redirectAfterPost, renderAccountPage, renderConfirmation } from './page.ts';
import { describeDevice, formatMoment } from './format.ts';
import { clientNames } from './client-names.ts';
import { renderPage, translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { endAllSessions, endDeviceSessions, endSession, listSessions, sessionCookieName } from '../../oidc/sessions.ts';
import { levelOfAcr } from '../../authn/assurance.ts';
import { listKnownDevices } from '../../authn/known-devices.ts';

function signedOut(deps: AccountDeps, ctx: AccountContext): void {
  ctx.cookies.set(sessionCookieName(deps.provider()), null, { signed: true, overwrite: true });
  renderPage(ctx, 'account/signed-out', { pagePath: '/account' });
}

export function mountSessions(router: Router<AccountState>, deps: AccountDeps): void {
  router.get('/sessions', async (ctx) => {
    const { me } = ctx.state;
    const { locale } = ctx.state;
    const t = translator(locale);
    const [sessions, devices] = await Promise.all([listSessions(deps.db, deps.clock, me.account.id), listKnownDevices(deps.db, me.account.id)]);
    const names = await clientNames(deps, sessions.flatMap((session) => session.authorizations.map((each) => each.clientId)));
    const signedInNow = new Set(sessions.flatMap((session) => (session.device ? [session.device.hash] : [])));
    const currentDevice = sessions.find((session) => session.uid === me.session.uid)?.device?.hash;
    renderAccountPage(deps, ctx, 'sessions', 'sessions', {
      notice: noticeOf(ctx, { ended: 'account.sessions.ended', 'device-ended': 'account.sessions.deviceEnded' }),
      sessions: sessions.map((session) => ({
        uid: session.uid,
        current: session.uid === me.session.uid,
        device: session.device ? { name: describeDevice(t, session.device.userAgent), network: session.device.network } : null,
        signedInAt: formatMoment(locale, new Date(session.loginTs * 1000)),
        signedInAtIso: new Date(session.loginTs * 1000).toISOString(),
        level: levelOfAcr(session.acr) ?? 'low',
        services: session.authorizations.map((each) => names.get(each.clientId)).filter((name) => name !== undefined),
      })),
      devices: devices.map((device) => ({
        hash: device.hash, name: describeDevice(t, device.userAgent), firstSeen: formatMoment(locale, device.firstSeen), lastSeen: formatMoment(locale, device.lastSeen),
        signedIn: signedInNow.has(device.hash), current: device.hash === currentDevice,
      })),
    });
  });

  // Every session on one device: a lost phone, a computer left signed in.
  router.post('/sessions/end-device', async (ctx) => {
    const form = await postedForm(deps, ctx);
    const { me } = ctx.state;
    const hash = form.get('device') ?? '';
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new AppError('not_found');
    const ended = await endDeviceSessions(deps, { accountId: me.account.id, deviceHash: hash, requestId: ctx.state.requestId });
    if (ended.length === 0) throw new AppError('not_found');
    if (ended.some((session) => session.uid === me.session.uid)) return signedOut(deps, ctx);
    redirectAfterPost(ctx, '/account/sessions', 'device-ended');
  });

  router.post('/sessions/end', async (ctx) => {
    const form = await postedForm(deps, ctx);
    const { me } = ctx.state;
    const uid = form.get('session') ?? '';
    const ended = await endSession(deps, { accountId: me.account.id, uid, requestId: ctx.state.requestId });
    if (ended.length === 0) throw new AppError('not_found');
    if (uid === me.session.uid) return signedOut(deps, ctx);
    redirectAfterPost(ctx, '/account/sessions', 'ended');
  });

  router.get('/sessions/end-all', async (ctx) => {
    const t = translator(ctx.state.locale);
    renderConfirmation(deps, ctx, 'sessions', {
      title: t('account.sessions.endAllTitle'),
      paragraphs: [t('account.sessions.endAllLead'), t('account.sessions.endAllEffect')],
      action: '/account/sessions/end-all',
      button: t('account.sessions.endAllButton'),
      back: '/account/sessions',
    });
  });

  router.post('/sessions/end-all', async (ctx) => {
    await postedForm(deps, ctx);
    await endAllSessions(deps, { accountId: ctx.state.me.account.id, requestId: ctx.state.requestId });
    signedOut(deps, ctx);
  });
}
