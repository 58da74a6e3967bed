// The payment gateway: a confidential client of Hawiya (code + PKCE + PAR,
// private_key_jwt). A merchant (the portal) sends the browser here with a signed payment
// request; the person approves the payment at Hawiya (authorization_details of type
// payment_initiation for the Treasury's payment API, at substantial: a step-up when the
// session is lower, no second sign-in otherwise), chooses how to pay, and gets a receipt. Processors confirm
// asynchronously through signed events; the merchant is told with a signed notice.
import Koa, { type Context } from 'koa';
import Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createRemoteJWKSet } from 'jose';
import { pageResponder } from '../shared/respond.ts';
import { pickLocale, type Locale } from '../shared/locale.ts';
import { readForm } from '../shared/body.ts';
import { securityHeaders } from '../shared/security-headers.ts';
import { serveStyle } from '../shared/static-style.ts';
import { createSessions, checkCsrf, type Session } from '../shared/sessions.ts';
import { lazyDiscovery, issuerKeys } from '../shared/oidc-client.ts';
import { createLogoutTokenVerifier } from '../shared/logout-token.ts';
import { backchannelLogout } from '../shared/backchannel-logout.ts';
import { startSignIn, finishSignIn, signOut, SignInError, type SignInDeps } from '../shared/sign-in.ts';
import { reaches } from '../shared/chrome-messages.ts';
import { publicJwks, type ClientKey } from '../shared/client-key.ts';
import { verifyPaymentRequest, PaymentRequestRefused, type Merchant } from './payment-request.ts';
import { createPayments, PaymentRefused, type Payment } from './payments.ts';
import { createSimulatedProcessors } from './processors/methods.ts';
import { PAYMENT_METHODS, isPaymentMethod, type PaymentMethod } from './processors/processor.ts';
import { processorWebhook } from './webhook.ts';
import { paymentInitiation, checkGrantedDetails, DetailsMismatch } from './authorization-details.ts';
import { notifyMerchant } from './merchant-notice.ts';
import { settlementAccountOf } from './payees.ts';
import { mountBackOffice } from './back-office.ts';
import { chooseMethodPage, methodFormPage, processingPage, receiptPage, paymentListPage, messagePage, payeeName } from './pages/payment-pages.ts';
import { M } from './messages.ts';

export interface MerchantOptions {
  clientId: string;
  name: string;
  // The merchant's base URL: its keys at /jwks.json, notices to /payments/notify, the
  // person back to /payments/return.
  url: string;
}

export interface GatewayOptions {
  issuer: string;
  baseUrl: string;
  clientId: string;
  key: ClientKey;
  merchants: readonly MerchantOptions[];
  // The payment API registered at Hawiya for the gateway's agency (a resource server):
  // payment approvals (rich authorization requests) ride on it.
  paymentApi: { identifier: string; scope: string };
  dataDir: string | null;
  // How long the simulated processors take to confirm.
  processorDelayMs: number;
}

const LOCALE_COOKIE = 'payments_lang';

export function createGateway(options: GatewayOptions) {
  const discover = lazyDiscovery({ issuer: options.issuer, clientId: options.clientId, key: options.key });
  const sessions = createSessions({ file: options.dataDir && join(options.dataDir, 'sessions.json'), cookie: 'payments_session' });
  const payments = createPayments(options.dataDir && join(options.dataDir, 'payments.json'));
  const signIn: SignInDeps = { discover, sessions, redirectUri: `${options.baseUrl}/callback`, scope: 'openid profile agency_roles' };
  const verifier = createLogoutTokenVerifier({ issuer: options.issuer, clientId: options.clientId, keys: issuerKeys(discover) });
  const merchants: Merchant[] = options.merchants.map((merchant) => ({
    clientId: merchant.clientId, name: merchant.name,
    keys: createRemoteJWKSet(new URL('/jwks.json', merchant.url)),
    notifyUrl: new URL('/payments/notify', merchant.url).href,
    returnUrl: new URL('/payments/return', merchant.url).href,
  }));
  // Each processor signs its events with its own secret, shared only with the gateway.
  const secrets = Object.fromEntries(PAYMENT_METHODS.map((method) => [method, randomBytes(32).toString('base64url')])) as Record<PaymentMethod, string>;
  const processors = createSimulatedProcessors({ webhookUrl: (method) => `${options.baseUrl}/processors/${method}/events`, secrets, delayMs: options.processorDelayMs });

  const app = new Koa();
  app.keys = sessions.cookieKeys;
  const router = new Router();

  const render = pageResponder({ service: M.service, tagline: M.tagline });
  const refuse = (ctx: Context, locale: Locale, status: number, title: string, message: string) => {
    ctx.status = status;
    render(ctx, locale, messagePage(locale, title, message), sessions.current(ctx));
  };
  const merchantOf = (payment: Payment) => merchants.find((merchant) => merchant.clientId === payment.merchant);
  const returnUrlOf = (payment: Payment) => `${merchantOf(payment)?.returnUrl ?? '/'}?reference=${encodeURIComponent(payment.reference)}`;

  // Approving a payment is a sign-in for it at Hawiya, carrying the payment's details.
  const approveAtHawiya = (ctx: Context, locale: Locale, payment: Payment) => {
    return startSignIn(signIn, ctx, {
      level: 'substantial', locale, returnTo: `/payments/${payment.id}`, purpose: payment.id, resource: options.paymentApi,
      authorizationDetails: [{ ...paymentInitiation(payment, { name: payeeName(locale, payment) }, options.baseUrl) }],
    });
  };

  // The payment, for the person who approved it; anyone else is sent to approve it.
  const paymentForPayer = async (ctx: Context, locale: Locale): Promise<{ payment: Payment; session: Session } | undefined> => {
    const payment = payments.find(ctx.params.id!);
    if (!payment) {
      refuse(ctx, locale, 404, M.notFound[locale], M.refusedBody[locale]);
      return undefined;
    }
    const session = sessions.current(ctx);
    if (session?.person && payment.payer?.sub === session.person.sub && reaches(session.person.acr, 'substantial')) return { payment, session };
    await approveAtHawiya(ctx, locale, payment);
    return undefined;
  };

  const onSettled = (payment: Payment) => {
    const merchant = merchantOf(payment);
    if (payment.status !== 'paid' || !merchant) return;
    void notifyMerchant({ key: options.key, gatewayId: options.clientId, notifyUrl: merchant.notifyUrl, payment }).then((done) => {
      if (done) payments.markNotified(payment.id);
    });
  };

  router.get('/', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const session = sessions.current(ctx);
    if (!session?.person || !reaches(session.person.acr, 'substantial')) return startSignIn(signIn, ctx, { level: 'substantial', returnTo: '/', locale });
    render(ctx, locale, paymentListPage(locale, payments.ofPayer(session.person.sub)), session);
  });

  router.get('/pay', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    try {
      const { merchant, request } = await verifyPaymentRequest(String(ctx.query.request ?? ''), merchants, options.clientId);
      const payment = payments.open(merchant.clientId, request);
      if (payment.status === 'paid' || payment.status === 'processing') return ctx.redirect(`/payments/${payment.id}`);
      await approveAtHawiya(ctx, locale, payment);
    } catch (err) {
      if (err instanceof PaymentRequestRefused || (err instanceof PaymentRefused && err.code === 'replayed')) return refuse(ctx, locale, 400, M.refusedTitle[locale], M.refusedBody[locale]);
      if (err instanceof PaymentRefused && err.code === 'conflict') return refuse(ctx, locale, 409, M.refusedTitle[locale], M.conflictBody[locale]);
      throw err;
    }
  });

  router.get('/callback', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    try {
      const done = await finishSignIn(signIn, ctx, options.baseUrl);
      const payment = done.purpose ? payments.find(done.purpose) : undefined;
      if (payment) {
        const detailsGranted = checkGrantedDetails(done.tokens.authorization_details, payment);
        payments.authorize(payment.id, { sub: done.person.sub, nameAr: done.person.nameAr, nameLatin: done.person.nameLatin, acr: done.person.acr, detailsGranted });
      }
      ctx.redirect(done.returnTo);
    } catch (err) {
      if (err instanceof DetailsMismatch) return refuse(ctx, locale, 400, M.refusedTitle[locale], M.detailsMismatch[locale]);
      if (!(err instanceof SignInError)) throw err;
      refuse(ctx, locale, 400, M.signInFailed[locale], M[err.code === 'unmet_level' ? 'unmetLevel' : err.code][locale]);
    }
  });

  router.get('/payments/:id', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const found = await paymentForPayer(ctx, locale);
    if (!found) return;
    const { payment, session } = found;
    if (payment.status === 'paid') return render(ctx, locale, receiptPage(locale, payment, returnUrlOf(payment)), session);
    if (payment.status === 'processing') return render(ctx, locale, processingPage(locale, payment), session);
    render(ctx, locale, chooseMethodPage(locale, payment, session.csrf, false), session);
  });

  router.post('/payments/:id/method', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const found = await paymentForPayer(ctx, locale);
    if (!found) return;
    const form = await readForm(ctx);
    checkCsrf(ctx, found.session, form);
    const method = form.get('method');
    if (!isPaymentMethod(method)) {
      ctx.status = 400;
      return render(ctx, locale, chooseMethodPage(locale, found.payment, found.session.csrf, true), found.session);
    }
    ctx.redirect(`/payments/${found.payment.id}/pay/${method}`);
  });

  router.get('/payments/:id/pay/:method', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const method = ctx.params.method;
    if (!isPaymentMethod(method)) return refuse(ctx, locale, 404, M.notFound[locale], M.refusedBody[locale]);
    const found = await paymentForPayer(ctx, locale);
    if (!found) return;
    if (found.payment.status !== 'authorized' && found.payment.status !== 'declined') return ctx.redirect(`/payments/${found.payment.id}`);
    render(ctx, locale, methodFormPage(locale, found.payment, method, processors.byMethod[method].fields, found.session.csrf, { values: {}, errors: [] }), found.session);
  });

  // Charging: checked input, then one charge per payment (beginCharge is the
  // check-and-set); a second submit finds the charge under way and starts nothing.
  router.post('/payments/:id/pay/:method', async (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    const method = ctx.params.method;
    if (!isPaymentMethod(method)) return refuse(ctx, locale, 404, M.notFound[locale], M.refusedBody[locale]);
    const found = await paymentForPayer(ctx, locale);
    if (!found) return;
    const form = await readForm(ctx);
    checkCsrf(ctx, found.session, form);
    const processor = processors.byMethod[method];
    const parsed = processor.parse(form);
    if (!parsed.ok) {
      ctx.status = 400;
      const values = Object.fromEntries(processor.fields.map((field) => [field, form.get(field) ?? '']));
      return render(ctx, locale, methodFormPage(locale, found.payment, method, processor.fields, found.session.csrf, { values, errors: parsed.errors }), found.session);
    }
    const begun = payments.beginCharge(found.payment.id, found.session.person!.sub, method, parsed.shown);
    if (begun) {
      const { voucherCode } = await processor.start({
        paymentId: begun.payment.id, processorRef: begun.processorRef, amount: begun.payment.amount, currency: begun.payment.currency,
        payeeAccount: settlementAccountOf(begun.payment.agency)!.iban, fields: parsed.fields,
      });
      if (voucherCode) payments.setVoucher(begun.payment.id, begun.processorRef, voucherCode);
    }
    ctx.redirect(`/payments/${found.payment.id}`);
  });

  router.post('/processors/:method/events', processorWebhook({ payments, secrets, onSettled }));

  router.post('/logout', async (ctx) => {
    checkCsrf(ctx, sessions.current(ctx), await readForm(ctx));
    await signOut(signIn, ctx, `${options.baseUrl}/signed-out`);
  });

  router.get('/signed-out', (ctx) => {
    const locale = pickLocale(ctx, LOCALE_COOKIE);
    render(ctx, locale, messagePage(locale, M.signedOut[locale], M.signedOutBody[locale]));
  });

  router.post('/backchannel-logout', backchannelLogout({ verifier, endSessions: (claims) => sessions.endSignedIn(claims) }));

  router.get('/jwks.json', (ctx) => {
    ctx.body = publicJwks(options.key);
  });

  mountBackOffice(router, { payments, sessions, signIn, render, localeCookie: LOCALE_COOKIE });

  app.use(securityHeaders({ formActions: [new URL(options.issuer).origin, ...merchants.map((merchant) => new URL(merchant.returnUrl).origin)] }));
  app.use(serveStyle);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, sessions, payments, processors, secrets };
}
