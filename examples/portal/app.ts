// The citizen portal: a server-rendered Koa app and a confidential client of Hawiya
// (code + PKCE + PAR, private_key_jwt). The catalogue is open to all; requests need a
// sign-in at substantial; paying goes through the payment gateway; a request's PDF form
// is signed with the person's remote key at Hawiya; the API serves the mobile app with
// DPoP-bound tokens.
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { pageResponder } from '../shared/respond.ts';
import { pickLocale, type Locale } from '../shared/locale.ts';
import { readForm, readJson } from '../shared/body.ts';
import { securityHeaders } from '../shared/security-headers.ts';
import { serveStyle } from '../shared/static-style.ts';
import { createSessions, checkCsrf, type Session } from '../shared/sessions.ts';
import { lazyDiscovery, issuerKeys } from '../shared/oidc-client.ts';
import { createLogoutTokenVerifier } from '../shared/logout-token.ts';
import { backchannelLogout } from '../shared/backchannel-logout.ts';
import { startSignIn, finishSignIn, signOut, safeReturnPath, SignInError, type SignInDeps } from '../shared/sign-in.ts';
import { reaches } from '../shared/chrome-messages.ts';
import { publicJwks, type ClientKey } from '../shared/client-key.ts';
import { findAgency } from '../shared/agencies.ts';
import { findService, findPaidService } from './catalogue/index.ts';
import { createRequests, ConfirmationRefused } from './requests.ts';
import { signPaymentRequest, verifyPaymentNotice, NoticeRefused } from './payment-link.ts';
import { createDpopAccess } from './dpop-access.ts';
import { mountApi } from './api.ts';
import { homePage, agencyPage, servicePage, notFoundPage } from './pages/catalogue-pages.ts';
import { requestFormPage, requestListPage, requestPage, signInFailedPage } from './pages/request-pages.ts';
import { approvePage, noCertificatePage, signingFailedPage } from './pages/signing-pages.ts';
import { prepareFormSigning, completeFormSigning } from './form-signing.ts';
import { credentialDetail, cscResource } from './remote-signing.ts';
import { M } from './messages.ts';

export interface PortalOptions {
  issuer: string;
  // Where the portal is reached, e.g. http://localhost:4000.
  baseUrl: string;
  clientId: string;
  key: ClientKey;
  gateway: { url: string; clientId: string };
  // The mobile app: its origin may call the API, its client id may hold its tokens.
  mobile: { origin: string; clientId: string };
  // Where the portal keeps its state; null keeps it in memory.
  dataDir: string | null;
}

const LOCALE_COOKIE = 'portal_lang';

export function createPortal(options: PortalOptions) {
  const discover = lazyDiscovery({ issuer: options.issuer, clientId: options.clientId, key: options.key });
  const sessions = createSessions({ file: options.dataDir && join(options.dataDir, 'sessions.json'), cookie: 'portal_session' });
  const requests = createRequests(options.dataDir && join(options.dataDir, 'requests.json'));
  const signIn: SignInDeps = { discover, sessions, redirectUri: `${options.baseUrl}/callback`, scope: 'openid profile' };
  const verifier = createLogoutTokenVerifier({ issuer: options.issuer, clientId: options.clientId, keys: issuerKeys(discover) });
  const gatewayKeys = createRemoteJWKSet(new URL('/jwks.json', options.gateway.url));
  const ids = { portal: options.clientId, gateway: options.gateway.clientId };
  const signing = { issuer: options.issuer, requests };

  const app = new Koa();
  app.keys = sessions.cookieKeys;
  const router = new Router();

  const render = pageResponder({ service: M.service, tagline: M.tagline });

  // Pages that need a person signed in at substantial: a lower session steps up.
  const signedInAtSubstantial = (ctx: Context): Session | undefined => {
    const session = sessions.current(ctx);
    if (session?.person && reaches(session.person.acr, 'substantial')) return session;
    ctx.redirect(`/login?level=substantial&return=${encodeURIComponent(ctx.originalUrl)}`);
    return undefined;
  };

  router.get('/', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    render(ctx, locale, homePage(locale), sessions.current(ctx));
  });

  router.get('/agencies/:id', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const agency = findAgency(ctx.params.id!);
    if (!agency) return notFound(ctx, locale);
    render(ctx, locale, agencyPage(locale, agency), sessions.current(ctx));
  });

  router.get('/services/:id', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const service = findService(ctx.params.id!);
    const agency = service && findAgency(service.agency);
    if (!service || !agency) return notFound(ctx, locale);
    render(ctx, locale, servicePage(locale, service, agency), sessions.current(ctx));
  });

  router.get('/services/:id/request', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const service = findPaidService(ctx.params.id!);
    if (!service) return notFound(ctx, locale);
    const session = signedInAtSubstantial(ctx);
    if (session) render(ctx, locale, requestFormPage(locale, service, session.csrf, { value: service.input.kind === 'copies' ? '1' : '' }), session);
  });

  router.post('/services/:id/request', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const service = findPaidService(ctx.params.id!);
    if (!service) return notFound(ctx, locale);
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    const form = await readForm(ctx);
    checkCsrf(ctx, session, form);
    const value = (form.get('detail') ?? '').trim().toUpperCase();
    let amount = service.fee;
    if (service.input.kind === 'copies') {
      const copies = Number(value);
      if (!/^\d{1,2}$/.test(value) || copies < 1 || copies > 10) {
        ctx.status = 400;
        return render(ctx, locale, requestFormPage(locale, service, session.csrf, { value, error: M.copiesError[locale] }), session);
      }
      // Fees are decimal strings; multiply in hundredths to stay exact.
      amount = ((Math.round(Number(service.fee) * 100) * copies) / 100).toFixed(2);
    } else if (service.input.kind === 'reference' && !new RegExp(service.input.pattern).test(value)) {
      ctx.status = 400;
      return render(ctx, locale, requestFormPage(locale, service, session.csrf, { value, error: M.referenceError[locale] }), session);
    }
    const request = requests.create({
      sub: session.person.sub, serviceId: service.id, agency: service.agency, amount, currency: 'HWD', ...(service.input.kind === 'none' ? {} : { detail: value }),
    });
    ctx.redirect(`/requests/${request.id}`);
  });

  router.get('/requests', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const session = signedInAtSubstantial(ctx);
    if (session?.person) render(ctx, locale, requestListPage(locale, requests.ofPerson(session.person.sub)), session);
  });

  router.get('/requests/:id', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    const request = requests.find(ctx.params.id!, session.person.sub);
    if (!request) return notFound(ctx, locale);
    render(ctx, locale, requestPage(locale, request, session.csrf), session);
  });

  // Hands the payment to the gateway: a signed payment request, in the browser's
  // redirect. It names no person, lives ten minutes and is accepted once.
  router.post('/requests/:id/pay', async (ctx) => {
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    checkCsrf(ctx, session, await readForm(ctx));
    const request = requests.find(ctx.params.id!, session.person.sub);
    if (!request) return notFound(ctx, pickLocale(ctx, LOCALE_COOKIE));
    if (request.status === 'paid') return ctx.redirect(`/requests/${request.id}`);
    requests.markPaymentStarted(request.id);
    const token = await signPaymentRequest(options.key, ids, request);
    const target = new URL('/pay', options.gateway.url);
    target.searchParams.set('request', token);
    target.searchParams.set('lang', pickLocale(ctx, LOCALE_COOKIE));
    ctx.redirect(target.href);
  });

  // The browser comes back from the gateway; the notice (below) is what marks it paid.
  router.get('/payments/return', (ctx) => {
    const request = typeof ctx.query.reference === 'string' ? requests.byReference(ctx.query.reference) : undefined;
    ctx.redirect(request ? `/requests/${request.id}` : '/requests');
  });

  // The gateway's confirmation, server to server, as a JWT signed with the gateway's key.
  router.post('/payments/notify', async (ctx) => {
    const body = await readJson(ctx);
    const token = typeof body === 'object' && body !== null && 'notice' in body && typeof body.notice === 'string' ? body.notice : '';
    try {
      const notice = await verifyPaymentNotice(gatewayKeys, ids, token);
      requests.confirmPayment(notice.id, notice.expiresAt, notice.confirmation);
      ctx.status = 204;
    } catch (err) {
      if (!(err instanceof NoticeRefused || err instanceof ConfirmationRefused)) throw err;
      ctx.status = 400;
      ctx.body = { error: 'invalid_notice', error_description: err.message };
    }
  });

  // Signing the request's form: prepared here, then approved at Hawiya (a sign-in of its
  // own at high, with authorization details of type credential), completed at /callback.
  router.post('/requests/:id/sign', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    checkCsrf(ctx, session, await readForm(ctx));
    const request = requests.find(ctx.params.id!, session.person.sub);
    if (!request || !findPaidService(request.serviceId)?.signsForm) return notFound(ctx, locale);
    if (request.signature?.state === 'signed') return ctx.redirect(`/requests/${request.id}`);
    const prepared = await prepareFormSigning(signing, request, session.person, locale);
    if (prepared.kind === 'sign_in_again') return ctx.redirect(`/login?level=substantial&return=${encodeURIComponent(`/requests/${request.id}`)}`);
    if (prepared.kind === 'no_certificate') return render(ctx, locale, noCertificatePage(locale, request, `${options.issuer.replace(/\/$/, '')}/account/signature`), session);
    render(ctx, locale, approvePage(locale, request, prepared.label, prepared.code), session);
  });

  router.get('/requests/:id/sign/approve', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    const request = requests.find(ctx.params.id!, session.person.sub);
    const pending = request?.signature;
    if (!request || pending?.state !== 'awaiting_approval') return ctx.redirect(request ? `/requests/${request.id}` : '/requests');
    // The token is for the CSC API (RFC 8707), so the names come from the ID token.
    await startSignIn(signIn, ctx, {
      level: 'high', returnTo: `/requests/${request.id}`, locale, purpose: `sign:${request.id}`,
      authorizationDetails: [credentialDetail(pending.credentialID, Buffer.from(pending.hash, 'base64'), pending.label)],
      resource: { identifier: cscResource(options.issuer) },
    });
  });

  router.get('/requests/:id/signed.pdf', (ctx) => {
    const session = signedInAtSubstantial(ctx);
    if (!session?.person) return;
    const request = requests.find(ctx.params.id!, session.person.sub);
    if (request?.signature?.state !== 'signed' || !request.signature.signedPdf) return notFound(ctx, pickLocale(ctx, LOCALE_COOKIE));
    ctx.type = 'application/pdf';
    ctx.attachment(`${request.reference}-signed.pdf`);
    ctx.body = Buffer.from(request.signature.signedPdf, 'base64');
  });

  router.get('/login', async (ctx) => {
    const level = ctx.query.level === 'substantial' ? 'substantial' : 'low';
    await startSignIn(signIn, ctx, { level, returnTo: safeReturnPath(ctx.query.return), locale: pickLocale(ctx, LOCALE_COOKIE) });
  });

  router.get('/callback', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const signingFor = sessions.current(ctx)?.pending?.purpose?.replace(/^sign:/, '');
    let done;
    try {
      done = await finishSignIn(signIn, ctx, options.baseUrl);
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
      ctx.status = 400;
      const message = err.code === 'unmet_level' ? (signingFor ? M.signingNeedsHigh : M.unmetLevel) : M[err.code];
      return render(ctx, locale, signInFailedPage(locale, message[locale], signingFor ? `/requests/${signingFor}` : '/login?level=substantial'), sessions.current(ctx));
    }
    const request = done.purpose?.startsWith('sign:') ? requests.find(done.purpose.slice(5), done.person.sub) : undefined;
    if (request) {
      try {
        await completeFormSigning(signing, request, done.tokens.access_token);
      } catch (err) {
        console.warn('the form could not be signed', err);
        ctx.status = 502;
        return render(ctx, locale, signingFailedPage(locale, request, M.signingFailed[locale]), sessions.current(ctx));
      }
    }
    ctx.redirect(done.returnTo);
  });

  router.post('/logout', async (ctx) => {
    checkCsrf(ctx, sessions.current(ctx), await readForm(ctx));
    await signOut(signIn, ctx, `${options.baseUrl}/`);
  });

  router.post('/backchannel-logout', backchannelLogout({ verifier, endSessions: (claims) => sessions.endSignedIn(claims) }));

  router.get('/jwks.json', (ctx) => {
    ctx.body = publicJwks(options.key);
  });

  mountApi(router, { requests, access: createDpopAccess({ discover, allowedClients: [options.mobile.clientId] }), baseUrl: options.baseUrl, mobileOrigin: options.mobile.origin });

  function notFound(ctx: Context, locale: Locale): void {
    ctx.status = 404;
    render(ctx, locale, notFoundPage(locale), sessions.current(ctx));
  }

  app.use(securityHeaders({ formActions: [new URL(options.issuer).origin, new URL(options.gateway.url).origin] }));
  app.use(serveStyle);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, sessions, requests };
}
