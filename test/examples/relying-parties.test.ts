// The three example relying parties against a real Hawiya, over HTTP (no browser): the
// portal's sign-in (PAR, private_key_jwt), step-up and its refusal, back-channel logout
// with logout tokens signed by Hawiya's own key, the gateway's refusal of bad payment
// requests, a payment end to end with a double submit, forged processor events and
// merchant notices, the DPoP-only API for the app, and the back office's role check with
// the agency_roles claim Hawiya releases.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { generateKeyPair, importJWK, SignJWT, exportJWK, type CryptoKey, type JWK } from 'jose';
import { freePort, backend, createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { seedDemo, type DemoSeed } from '../../src/demo/seed.ts';
import { pairwiseSubject } from '../../src/oidc/claims.ts';
import { startExamples, CLIENT_IDS, type ExampleStack } from '../../examples/stack.ts';
import { clientKeyFile, loadClientKey, type ClientKey } from '../../examples/shared/client-key.ts';
import { signEvent } from '../../examples/payments/processors/simulator.ts';
import { signPaymentNotice } from '../../examples/payments/merchant-notice.ts';

async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 25))) {
    if (Date.now() - started > 5000) assert.fail(`timed out waiting until ${what}`);
  }
}

describe(`the example relying parties over HTTP (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let stack: ExampleStack;
  let seed: DemoSeed;
  let dataDir: string;
  let portalKey: ClientKey;
  let gatewayKey: ClientKey;
  const amina = new UserAgent();
  const youssef = new UserAgent();
  const karim = new UserAgent();
  // The reference of the speeding fine Youssef pays, for the back office.
  let paidReference = '';

  // Amina signs in with her e-ID number; the others with the alias they chose.
  const account = (name: 'amina' | 'youssef' | 'karim') => (name === 'amina' ? seed.accounts[0]! : seed.accounts.find((each) => each.username === name)!);

  // Goes through Hawiya's pages as they come (sign-in, authenticator code, consent) and
  // on to wherever the relying party sends the browser after its callback.
  async function throughHawiya(agent: UserAgent, url: string, person: { username: string; password: string; totp_secret?: string }, stop?: (url: string) => boolean, init: { form?: Record<string, string> } = {}): Promise<Page> {
    let page = await agent.navigate(url, init, stop);
    const post = async (ending: string, form: Record<string, string>) => {
      page = await agent.navigate(new URL(formAction(page.html, ending), page.url).href, { form: { csrf: hiddenInput(page.html, 'csrf'), ...form } }, stop);
    };
    if (page.html.includes('name="password"')) await post('/login', { username: person.username, password: person.password });
    if (page.html.includes('/otp"')) await post('/otp', { code: await generate({ secret: person.totp_secret! }) });
    if (page.html.includes('/confirm"')) await post('/confirm', {});
    return page;
  }

  before(async () => {
    testDb = await createTestDb();
    dataDir = mkdtempSync(join(tmpdir(), 'hawiya-examples-'));
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), config: { dataDir } });
    const ports = { portal: await freePort(), payments: await freePort(), mobile: await freePort() };
    seed = await seedDemo(hawiya.hawiya.services, ports);
    stack = await startExamples({ issuer: hawiya.url, dataDir, ports, keepState: false, processorDelayMs: 50 });
    portalKey = await loadClientKey(clientKeyFile(dataDir, CLIENT_IDS.portal));
    gatewayKey = await loadClientKey(clientKeyFile(dataDir, CLIENT_IDS.payments));
  });

  after(async () => {
    await stack?.close();
    await hawiya?.close();
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('the portal', () => {
    it('pushes its authorization request (PAR) and signs in with private_key_jwt, showing the name and level', async () => {
      const login = await amina.request(`${stack.urls.portal}/login?level=low&return=/`);
      assert.equal(login.status, 302);
      assert.match(login.headers.get('location') ?? '', /\/auth\?request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A/);
      const page = await throughHawiya(amina, `${stack.urls.portal}/login?level=low&return=/`, account('amina'));
      assert.equal(page.url, `${stack.urls.portal}/`);
      assert.match(page.html, /data-person-name>Amina Haddad</);
      assert.match(page.html, /data-level>low \(a password\)</);
    });

    it('steps up for requests, and says what to do when the account cannot reach substantial', async () => {
      const page = await throughHawiya(amina, `${stack.urls.portal}/requests`, account('amina'));
      assert.equal(page.status, 400);
      assert.match(page.html, /needs a second sign-in factor/);
    });

    it('ends its session on Hawiya\'s back-channel logout token, and refuses forged ones', async () => {
      const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', [account('amina').username]);
      // The portal's sub for her: pairwise, in the sector of its agency.
      const sub = pairwiseSubject(hawiya.hawiya.services.provider.keySet().pairwiseSecret, 'agency:digital-services', rows[0]!.id);
      const hawiyaJwk = hawiya.hawiya.services.provider.keySet().jwks.keys.find((key) => key.alg === 'ES256' && key.d) as JWK;
      const hawiyaKey = await importJWK(hawiyaJwk, 'ES256') as CryptoKey;
      const { privateKey: forger } = await generateKeyPair('ES256');
      const logoutToken = (key: CryptoKey, claims: Record<string, unknown> = {}) => new SignJWT({ sub, events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: hawiyaJwk.kid!, typ: 'logout+jwt' })
        .setIssuer(hawiya.url).setAudience(CLIENT_IDS.portal).setIssuedAt().setJti(randomUUID()).sign(key);
      const deliver = async (token: string) => fetch(`${stack.urls.portal}/backchannel-logout`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ logout_token: token }) });
      const signedIn = async () => (await amina.navigate(`${stack.urls.portal}/`)).html.includes('data-person-name');

      assert.equal((await deliver(await logoutToken(forger))).status, 400);
      assert.equal((await deliver(await logoutToken(hawiyaKey, { nonce: 'x' }))).status, 400);
      assert.equal(await signedIn(), true, 'refused tokens end nothing');
      const valid = await logoutToken(hawiyaKey);
      const response = await deliver(valid);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(await signedIn(), false, 'the portal forgot the person');
      assert.equal((await deliver(valid)).status, 400, 'a replayed token is refused');
    });
  });

  describe('the gateway', () => {
    const paymentRequest = (claims: Record<string, unknown> = {}, options: { key?: CryptoKey; aud?: string; exp?: string } = {}) => new SignJWT({
      agency: 'police', service: 'speeding-fine', amount: '150.00', currency: 'HWD', reference: 'R-TESTTEST', ...claims,
    }).setProtectedHeader({ alg: 'ES256', kid: portalKey.kid, typ: 'payment-request+jwt' })
      .setIssuer(CLIENT_IDS.portal).setAudience(options.aud ?? CLIENT_IDS.payments).setIssuedAt().setExpirationTime(options.exp ?? '10m').setJti(randomUUID())
      .sign(options.key ?? portalKey.privateKey);
    const present = (token: string) => new UserAgent().request(`${stack.urls.payments}/pay?request=${encodeURIComponent(token)}&lang=en`);

    it('refuses tampered, foreign, expired, misaddressed and replayed payment requests, and a changed amount', async () => {
      const good = await paymentRequest();
      const [header, payload, signature] = good.split('.');
      const tampered = [header, Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), amount: '1.50' })).toString('base64url'), signature].join('.');
      const { privateKey: other } = await generateKeyPair('ES256');
      for (const token of [tampered, await paymentRequest({}, { key: other }), await paymentRequest({}, { exp: '-1m' }), await paymentRequest({}, { aud: 'someone-else' }), await paymentRequest({ amount: '-5.00' }), await paymentRequest({ agency: 'nowhere' })]) {
        const response = await present(token);
        assert.equal(response.status, 400, token);
        assert.match(await response.text(), /This payment request cannot be accepted/);
      }
      assert.equal((await present(good)).status, 302, 'a good request goes to Hawiya');
      assert.equal((await present(good)).status, 400, 'the same request again is refused');
      assert.equal((await present(await paymentRequest({ amount: '15.00' }))).status, 409, 'the reference with another amount is refused');
      assert.equal(stack.gateway.payments.all().filter((payment) => payment.reference === 'R-TESTTEST').length, 1);
    });

    it('steps up, takes a payment end to end, charges once for a double submit, and the portal marks it paid', async () => {
      // Signed in at the portal with a password, he steps up for a request: Hawiya asks
      // only for the authenticator code.
      let page = await throughHawiya(youssef, `${stack.urls.portal}/login?level=low&return=/`, account('youssef'));
      assert.match(page.html, /data-level>low/);
      const stepUp = await youssef.navigate(`${stack.urls.portal}/services/speeding-fine/request`);
      assert.doesNotMatch(stepUp.html, /name="password"/);
      assert.match(stepUp.html, /\/otp"/);
      page = await youssef.navigate(new URL(formAction(stepUp.html, '/otp'), stepUp.url).href, { form: { csrf: hiddenInput(stepUp.html, 'csrf'), code: await generate({ secret: account('youssef').totp_secret! }) } });
      assert.equal(page.url, `${stack.urls.portal}/services/speeding-fine/request`);
      assert.match(page.html, /data-level>substantial/);
      page = await youssef.navigate(`${stack.urls.portal}/services/speeding-fine/request`, { form: { csrf: hiddenInput(page.html, 'csrf'), detail: 'nope' } });
      assert.equal(page.status, 400);
      assert.match(page.html, /error-summary/);
      assert.match(page.html, /aria-invalid="true"/);
      page = await youssef.navigate(`${stack.urls.portal}/services/speeding-fine/request`, { form: { csrf: hiddenInput(page.html, 'csrf'), detail: 'rs12345678' } });
      const reference = /data-reference>([^<]+)</.exec(page.html)?.[1] ?? '';
      paidReference = reference;
      // Pay: to the gateway with a signed request, approved at Hawiya with no sign-in: the
      // consent page shows the amount and the payee.
      const toConsent = await youssef.navigate(new URL(formAction(page.html, '/pay'), page.url).href, { form: { csrf: hiddenInput(page.html, 'csrf') } });
      assert.doesNotMatch(toConsent.html, /name="password"/);
      assert.match(toConsent.html, /150\.00/);
      assert.match(toConsent.html, new RegExp(reference));
      page = await throughHawiya(youssef, toConsent.url, account('youssef'));
      assert.match(page.url, new RegExp(`^${stack.urls.payments}/payments/`));
      assert.match(page.html, /data-amount>150.00 HWD</);
      const paymentUrl = page.url;
      const csrf = hiddenInput(page.html, 'csrf');
      const form = { csrf, cardNumber: '4242424242424242', cardExpiry: '12/39', cardCvc: '123' };
      const [first, second] = await Promise.all([
        youssef.request(`${paymentUrl}/pay/card`, { form }),
        youssef.request(`${paymentUrl}/pay/card`, { form }),
      ]);
      assert.deepEqual([first.status, second.status], [302, 302]);
      assert.equal(stack.gateway.processors.simulators.card.charges.length, 1, 'one charge for two submits');
      await until(() => stack.portal.requests.byReference(reference)?.status === 'paid', 'the portal hears of the payment');
      const payment = stack.gateway.payments.all().find((each) => each.reference === reference)!;
      assert.match(payment.receipt ?? '', /^P-\d{8}-[0-9A-F]{8}$/);
      page = await youssef.navigate(paymentUrl);
      assert.match(page.html, /Payment receipt/);
      assert.match(page.html, new RegExp(payment.receipt!));

      // A forged processor event is refused; a genuine one for a paid payment charges nothing.
      const event = JSON.stringify({ event_id: randomUUID(), payment_id: payment.id, processor_ref: payment.attempt!.processorRef, outcome: 'confirmed', amount: '150.00', currency: 'HWD' });
      const postEvent = (signature: string) => fetch(`${stack.urls.payments}/processors/card/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signature }, body: event });
      assert.equal((await postEvent(signEvent('not-the-secret', event))).status, 401);
      assert.equal((await postEvent(signEvent(stack.gateway.secrets.card, event))).status, 409);
      assert.equal(stack.gateway.processors.simulators.card.charges.length, 1);

      // Forged notices to the portal: another signer, another amount.
      const notify = async (notice: string) => (await fetch(`${stack.urls.portal}/payments/notify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notice }) })).status;
      assert.equal(await notify(await signPaymentNotice(portalKey, CLIENT_IDS.payments, payment)), 400, 'signed with the wrong key');
      assert.equal(await notify(await signPaymentNotice(gatewayKey, CLIENT_IDS.payments, { ...payment, amount: '1.00' })), 400, 'another amount');
      assert.equal(await notify(await signPaymentNotice(gatewayKey, CLIENT_IDS.payments, { ...payment, reference: 'R-UNKNOWN1' })), 400, 'an unknown reference');
      assert.equal(await notify(await signPaymentNotice(gatewayKey, CLIENT_IDS.payments, payment)), 204, 'the genuine notice again is harmless');
    });

    it('shows the finance back office only to agency finance staff, from Hawiya\'s agency_roles claim', async () => {
      const refused = await youssef.navigate(`${stack.urls.payments}/back-office`);
      assert.equal(refused.status, 403);
      assert.match(refused.html, /No finance role/);
      // Karim is finance staff of the Interior and the Police, as the demo seed made him.
      assert.deepEqual(account('karim').agency_roles, ['finance:interior', 'finance:police']);
      const list = await throughHawiya(karim, `${stack.urls.payments}/back-office?lang=en`, account('karim'));
      assert.equal(list.status, 200);
      assert.match(list.html, /href="\/back-office\/police"/);
      assert.match(list.html, /href="\/back-office\/interior"/);
      const police = await karim.navigate(`${stack.urls.payments}/back-office/police`);
      assert.equal(police.status, 200);
      assert.match(police.html, new RegExp(paidReference));
      assert.equal((await karim.navigate(`${stack.urls.payments}/back-office/tax`)).status, 403, 'not his agency');
      const csv = await karim.request(`${stack.urls.payments}/back-office/police/transactions.csv`);
      assert.match(await csv.text(), new RegExp(paidReference));
      const { rows } = await testDb.db.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE action = 'claims.agency_roles.released'`);
      assert.ok(rows.length > 0 && rows.every((row) => row.actor === 'client:demo-payments'), 'each release audited, to the gateway only');
    });
  });

  describe('the portal\'s API for the mobile app', () => {
    it('answers a DPoP-bound token of the app, and refuses a bearer, another key\'s proof and a replayed proof', async () => {
      const config = await oidc.discovery(new URL(hawiya.url), CLIENT_IDS.mobile, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const callback = `${stack.urls.mobile}/callback`;
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid profile offline_access', prompt: 'consent', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      const page = await throughHawiya(youssef, url.href, account('youssef'), (each) => each.startsWith(callback));
      const keyPair = await oidc.randomDPoPKeyPair('ES256');
      const DPoP = oidc.getDPoPHandle(config, keyPair);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP });
      assert.equal(tokens.token_type.toLowerCase(), 'dpop');
      assert.ok(tokens.refresh_token, 'the app gets a refresh token to rotate');
      const api = new URL('/api/requests', stack.urls.portal);
      const ok = await oidc.fetchProtectedResource(config, tokens.access_token, api, 'GET', undefined, undefined, { DPoP });
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { requests: unknown[] }).requests.length, 1);

      assert.equal((await fetch(api, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status, 401);
      const proof = async (privateKey: CryptoKey, publicJwk: JWK) => new SignJWT({ htm: 'GET', htu: api.href, ath: createHash('sha256').update(tokens.access_token).digest('base64url') })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: publicJwk }).setIssuedAt().setJti(randomUUID()).sign(privateKey);
      const other = await generateKeyPair('ES256', { extractable: true });
      const { d: _d, ...otherPublic } = await exportJWK(other.privateKey);
      const call = async (dpop: string) => fetch(api, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop } });
      const foreign = await call(await proof(other.privateKey, otherPublic));
      assert.equal(foreign.status, 401);
      assert.match(foreign.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_token"/);
      const own = await proof(keyPair.privateKey, await exportJWK(keyPair.publicKey));
      assert.equal((await call(own)).status, 200);
      assert.equal((await call(own)).status, 401, 'a proof is used once');
    });
  });
});
