// The demo stack end to end in Chromium: Hawiya (on the test backend) seeded as
// `npm run demo` seeds it, and the three example relying parties started as
// `npm run demo` starts them (examples/stack.ts), each on a free loopback port. One
// person's day, in order: sign in at the portal with password and authenticator app;
// open the gateway with no sign-in; pay for a service, approving the amount and payee on
// Hawiya's consent page; see it paid; open the mobile app already signed in, its
// DPoP-bound API call working; enrol a signing key held by the app (WebCrypto, PKCS#10),
// after a sign-in at high with a passkey of Chromium's virtual authenticator; sign out once, at the portal, and find the gateway and the
// app signed out too (back-channel logout). Screenshots in
// Arabic and English go to artifacts/screenshots/. Chromium is required: the suite
// fails, never skips, when it is missing.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { attachDevice, launchChromium, SCREENSHOTS } from '../support/browser.ts';
import { assertNoSeriousAxeViolations } from '../support/axe.ts';
import { freePort, backend, createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { seedDemo, type DemoPorts, type DemoSeed } from '../../src/demo/seed.ts';
import type { VirtualCredential } from '../../src/demo/demo-passkey.ts';
import { translate } from '../../src/web/i18n.ts';
import { startExamples, type ExampleStack } from '../../examples/stack.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { registrationOptions, registerPasskey } from '../../src/authn/passkeys.ts';

const t = (key: string) => translate('en', key);

describe(`the demo stack in a browser (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let stack: ExampleStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seed: DemoSeed;
  let dataDir: string;
  let reference = '';
  let ports: DemoPorts;

  const youssef = () => seed.accounts.find((account) => account.username === 'youssef')!;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `demo-${name}.png`), fullPage: true });
  const heading = (name: string) => page.getByRole('heading', { level: 1, name, exact: true });
  // Hawiya's consent page appears the first time a service asks; allowing it is not a
  // sign-in.
  async function allowIfAsked(): Promise<void> {
    const consent = heading(t('consent.title'));
    if (await consent.isVisible()) await page.getByRole('button', { name: t('consent.allow'), exact: true }).click();
  }
  const signInPage = () => heading(t('signin.title'));

  before(async () => {
    browser = await launchChromium();
    testDb = await createTestDb();
    dataDir = mkdtempSync(join(tmpdir(), 'hawiya-demo-'));
    // Back-channel logout is delivered by a queue worker; each second here, not every five.
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), config: { dataDir, backchannelLogout: { intervalSeconds: 1 } } });
    ports = { portal: await freePort(), payments: await freePort(), mobile: await freePort() };
    seed = await seedDemo(hawiya.hawiya.services, ports);
    stack = await startExamples({ issuer: hawiya.url, dataDir, ports, keepState: false, processorDelayMs: 200 });
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await hawiya?.close();
    await testDb?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('1. signs in at the portal with a password and an authenticator-app code', async () => {
    await page.goto(`${stack.urls.portal}/?lang=en`);
    await shot('portal-home-en');
    await page.getByRole('link', { name: 'My requests', exact: true }).click();
    await signInPage().waitFor();
    await page.getByLabel(t('signin.username'), { exact: true }).fill(youssef().username);
    await page.getByLabel(t('signin.password'), { exact: true }).fill(youssef().password);
    await page.getByRole('button', { name: t('signin.submit'), exact: true }).click();
    await page.getByLabel(t('second.totpLabel'), { exact: true }).fill(await generate({ secret: youssef().totp_secret! }));
    await page.getByRole('button', { name: t('second.continue'), exact: true }).click();
    await allowIfAsked();
    await page.waitForURL(`${stack.urls.portal}/requests`);
    assert.equal(await page.locator('[data-person-name]').textContent(), 'Youssef Benali');
    assert.equal(await page.locator('[data-level]').textContent(), 'substantial (two factors)');
  });

  it('2. opens the gateway with no sign-in prompt', async () => {
    await page.goto(`${stack.urls.payments}/?lang=en`);
    await page.waitForURL((url) => url.origin === stack.urls.payments || url.pathname.startsWith('/interaction'));
    assert.equal(await signInPage().isVisible(), false, 'Hawiya does not ask for a sign-in again');
    await allowIfAsked();
    await heading('Your payments').waitFor();
    assert.equal(await page.locator('[data-person-name]').textContent(), 'Youssef Benali');
  });

  it('3. pays for a service through the gateway, and the portal shows it paid', async () => {
    await page.goto(`${stack.urls.portal}/services/birth-certificate/request?lang=en`);
    await page.getByLabel('Number of copies', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Send the request', exact: true }).click();
    reference = (await page.locator('[data-reference]').textContent()) ?? '';
    assert.match(reference, /^R-[A-Z2-9]{8}$/);
    await page.getByRole('button', { name: 'Pay on the payment gateway', exact: true }).click();
    // No sign-in (the session is at substantial already), but Hawiya's consent page shows
    // the payment (authorization_details) for the person to approve.
    await heading(t('consent.title')).waitFor();
    assert.equal(await signInPage().isVisible(), false);
    const consent = await page.locator('main').textContent() ?? '';
    assert.match(consent, /10\.00/);
    assert.match(consent, new RegExp(reference));
    await shot('hawiya-payment-consent-en');
    await page.getByRole('button', { name: t('consent.allow'), exact: true }).click();
    await heading('How do you want to pay?').waitFor();
    assert.equal(await page.locator('[data-amount]').textContent(), '10.00 HWD');
    await assertNoSeriousAxeViolations(page, 'the gateway\'s payment page');
    await page.getByLabel('Credit or debit card', { exact: true }).check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByLabel('Card number', { exact: true }).fill('4242 4242 4242 4242');
    await page.getByLabel('Expiry date', { exact: true }).fill('12/39');
    await page.getByLabel('Security code', { exact: true }).fill('123');
    await page.getByRole('button', { name: /^Pay now/ }).click();
    await heading('Payment receipt').waitFor();
    await page.goto(`${page.url()}?lang=ar`);
    await shot('gateway-receipt-ar');
    await page.getByRole('link', { name: 'الرجوع إلى بوابة المواطن', exact: true }).click();
    await page.locator('[data-status="paid"]').waitFor();
    await page.goto(`${page.url()}?lang=ar`);
    await assertNoSeriousAxeViolations(page, 'the portal\'s request page in Arabic');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await shot('portal-request-paid-ar');
  });

  it('4. opens the mobile app already signed in, and its DPoP-bound API call works', async () => {
    await page.goto(`${stack.urls.mobile}/`);
    await page.getByRole('button', { name: 'تسجيل الدخول عبر هوية', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(stack.urls.mobile) || url.pathname.startsWith('/interaction'));
    assert.equal(await signInPage().isVisible(), false, 'Hawiya does not ask for a sign-in again');
    // A native public client: Hawiya asks the person at each of its sign-ins (RFC 8252
    // §8.6), and offline_access comes only with prompt=consent (OpenID Connect Core §11).
    await page.getByRole('button', { name: translate('ar', 'consent.allow'), exact: true }).click();
    await page.locator('[data-requests] [data-status="paid"]').waitFor();
    assert.match(await page.locator('[data-requests]').textContent() ?? '', new RegExp(reference));
    assert.equal(await page.locator('[data-person-name]').textContent(), 'يوسف بن علي');
    await shot('mobile-signed-in-ar');
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'My requests' }).waitFor();
    await shot('mobile-signed-in-en');
  });

  it('4b. enrols a signing key held by the app, after a sign-in with a passkey at high', async () => {
    // Youssef's passkey: registered at Hawiya, and held by Chromium's virtual authenticator.
    const { services } = hawiya.hawiya;
    const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', ['youssef']);
    const issuer = new URL(hawiya.url);
    const deps = { db: services.db, clock: services.clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
    const key = new SoftAuthenticator();
    const { challengeId, options } = await registrationOptions(deps, { id: rows[0]!.id, username: 'youssef', displayName: 'Youssef' });
    await registerPasskey(deps, { accountId: rows[0]!.id, challengeId, response: key.register(options, hawiya.url), name: 'phone' });
    const { cdp, authenticatorId } = await attachDevice(page, { synced: false });
    await cdp.send('WebAuthn.addCredential', {
      authenticatorId,
      credential: {
        credentialId: key.credentialId.toString('base64'), isResidentCredential: true, rpId: issuer.hostname,
        privateKey: key.exportPkcs8().toString('base64'), userHandle: Buffer.from((options as { user: { id: string } }).user.id, 'base64url').toString('base64'), signCount: 0,
      },
    });

    await page.getByRole('button', { name: 'Get a signing certificate for this device', exact: true }).click();
    // A sign-in of its own (prompt=login) at high: the page's passkey autofill may sign in
    // before the button can be pressed.
    const consent = page.getByRole('button', { name: t('consent.allow'), exact: true });
    await consent.or(signInPage()).first().waitFor();
    if (await signInPage().isVisible()) await consent.waitFor({ timeout: 2000 }).catch(() => page.getByRole('button', { name: t('passkey.signIn'), exact: true }).click());
    await consent.click();
    await page.locator('[data-device-key="enrolled"]').waitFor();
    assert.equal(await page.locator('[data-certificate-subject]').textContent(), 'Youssef Benali');
    const expiry = await page.locator('[data-certificate-expiry]').getAttribute('data-certificate-expiry');
    assert.ok(new Date(expiry!).getTime() > Date.now() + 86_400_000, 'valid for more than a day');
    const certificates = await testDb.db.query<{ holder: string; key_id: string | null }>('SELECT holder, key_id FROM signing_certificates WHERE person_id = $1', [rows[0]!.id]);
    assert.deepEqual(certificates.rows, [{ holder: 'device', key_id: null }]);
    // The key stayed in the browser, and WebCrypto will never export it.
    assert.equal(await page.evaluate(async () => {
      const keys = await new Promise<CryptoKeyPair>((resolve, reject) => {
        const open = indexedDB.open('hawiya-mobile', 1);
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('deviceKey');
          get.onsuccess = () => resolve(get.result as CryptoKeyPair);
          get.onerror = () => reject(get.error);
        };
      });
      return `${keys.privateKey.extractable}:${(keys.privateKey.algorithm as EcKeyAlgorithm).namedCurve}`;
    }), 'false:P-256');
    await assertNoSeriousAxeViolations(page, 'the app with its device key');
    await shot('mobile-device-key-en');
    // Off the device again: a passkey at hand would sign in by autofill on the next pages.
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  });

  it('5. signs out at the portal: the portal and Hawiya ask for a sign-in again', async () => {
    await page.goto(`${stack.urls.portal}/requests?lang=en`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: t('logout.yes'), exact: true }).click();
    await page.waitForURL(`${stack.urls.portal}/`);
    assert.equal(await page.locator('[data-person-name]').count(), 0);
    await page.goto(`${stack.urls.portal}/requests`);
    await signInPage().waitFor();
  });

  it('6. and the gateway and the mobile app ask for a sign-in again (back-channel logout)', async () => {
    // Hawiya's queue posts one logout token to each of the three; wait until all went out.
    const delivered = async () => (await testDb.db.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM logout_deliveries WHERE delivered_at IS NULL AND client_id IN ('demo-portal', 'demo-payments', 'demo-mobile')`,
    )).rows[0]!.pending === 0;
    const { rows } = await testDb.db.query<{ client_id: string }>('SELECT client_id FROM logout_deliveries ORDER BY client_id');
    assert.deepEqual(rows.map((row) => row.client_id), ['demo-mobile', 'demo-payments', 'demo-portal']);
    for (const started = Date.now(); !(await delivered()); await new Promise((resolve) => setTimeout(resolve, 100))) {
      if (Date.now() - started > 15_000) assert.fail('the logout tokens were not delivered');
    }
    await page.goto(`${stack.urls.payments}/?lang=en`);
    await signInPage().waitFor();
    await page.goto(`${stack.urls.mobile}/`);
    await page.getByRole('button', { name: 'Sign in with Hawiya', exact: true }).waitFor();
  });

  // Leila on a device of her own: a new browser profile whose authenticator holds the
  // seeded key, straight from the file. Returns the signature counter it reached.
  async function signInAsLeila(file: string, screenshot?: string): Promise<number> {
    const credential = JSON.parse(readFileSync(file, 'utf8')) as VirtualCredential;
    const device = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 768 } });
    device.setDefaultTimeout(10_000);
    try {
      const phone = await device.newPage();
      const { cdp, authenticatorId } = await attachDevice(phone, { synced: false });
      await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
      await phone.goto(`${stack.urls.portal}/requests?lang=en`);
      // The sign-in page's passkey autofill may sign in before the button can be pressed.
      const signIn = phone.getByRole('heading', { level: 1, name: t('signin.title'), exact: true });
      const consent = phone.getByRole('button', { name: t('consent.allow'), exact: true });
      const requests = phone.getByRole('heading', { level: 1, name: 'My requests', exact: true });
      await signIn.or(consent).or(requests).first().waitFor();
      if (await signIn.isVisible()) {
        await consent.or(requests).first().waitFor({ timeout: 2000 }).catch(() => phone.getByRole('button', { name: t('passkey.signIn'), exact: true }).click());
      }
      await consent.or(requests).first().waitFor();
      if (await consent.isVisible()) await consent.click();
      await requests.waitFor();
      assert.equal(await phone.locator('[data-person-name]').textContent(), 'Leila Ezzine');
      assert.equal(await phone.locator('[data-level]').textContent(), 'high (a device passkey, verified in person)');
      if (screenshot) await phone.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      return credentials[0]!.signCount;
    } finally {
      await device.close();
    }
  }

  it('7. signs Leila in at the portal with the passkey the demo seeded for her, at high, again after another seed', async () => {
    const leila = seed.accounts.find((account) => account.username === 'leila')!;
    assert.ok(leila.passkey_file?.startsWith(dataDir), 'the passkey is kept in DATA_DIR');
    const first = await signInAsLeila(leila.passkey_file!, 'demo-portal-passkey-en.png');
    assert.ok(first > 0, 'the seeded passkey signed');
    // Seeding again keeps the passkey and hands the file Hawiya's counter, so the key
    // loaded afresh is not taken for a clone.
    await seedDemo(hawiya.hawiya.services, ports);
    assert.equal((JSON.parse(readFileSync(leila.passkey_file!, 'utf8')) as VirtualCredential).signCount, first);
    assert.ok(await signInAsLeila(leila.passkey_file!) > first);
  });
});
