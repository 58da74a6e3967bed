// Passkeys and the authenticator app in a real browser: Debian's Chromium driven by
// playwright-core, with Chromium's virtual WebAuthn authenticator (DevTools protocol,
// WebAuthn domain) standing in for the person's phone or laptop. The real page script
// (public/passkeys.js with SimpleWebAuthn's browser bundle) runs every ceremony under the
// real CSP; nothing is posted on the page's behalf. Chromium is required: the suite fails,
// never skips, when it is missing (install it with `apt-get install -y chromium`).
//
// The tests run in order and build on each other: the passkeys added by the first two are
// the ones the later sign-ins carry to other browser profiles.
//
// What Chromium's virtual environment does with a conditional (autofill) request: it
// answers it at once, without the person choosing from the username field's suggestions,
// with a passkey of the device if there is one, and rejects it (NotAllowedError, which the
// page ignores) if there is none. So a device that holds the passkey when the sign-in page
// loads signs in by autofill, and to test the button the passkey is put on the device only
// once the page has loaded.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { attachDevice, launchChromium, startRelyingParty, SCREENSHOTS, type Device, type RelyingParty } from '../support/browser.ts';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, fictionalRecord, oidc, type Authorization } from '../support/relying-party.ts';
import { translate } from '../../src/web/i18n.ts';
import { ACR } from '../../src/authn/assurance.ts';


const CLIENT_ID = 'passkey-portal';
const SECRET = 'passkey-portal-client-secret-0123456789-abcdef';
const CLIENT_NAME = 'Ministry of Health portal';
const PASSWORD = 'a long and good password';

// English texts without placeholders (those with one come wrapped in isolate marks).
const t = (key: string) => translate('en', key);

async function credentialsOf(device: Device) {
  return (await device.cdp.send('WebAuthn.getCredentials', { authenticatorId: device.authenticatorId })).credentials;
}

type VirtualCredential = Awaited<ReturnType<typeof credentialsOf>>[number];

// The same passkey on the device in another browser profile: its private key, user handle,
// flags and signature counter carried over.
async function carry(device: Device, credential: VirtualCredential): Promise<void> {
  await device.cdp.send('WebAuthn.addCredential', { authenticatorId: device.authenticatorId, credential });
}

// Each call of navigator.credentials.get in the context's pages, with its mediation and how
// it ended. Observed from outside (an init script and a binding, which the CSP does not
// govern); the call itself is the page's own, passed on unchanged.
interface CredentialsGet {
  mediation: string;
  outcome: 'pending' | 'resolved' | 'rejected';
  error?: string;
}

type GetEvent = { id: string; mediation?: string; outcome?: 'resolved' | 'rejected'; error?: string };

async function watchCredentialsGet(context: BrowserContext): Promise<CredentialsGet[]> {
  const byId = new Map<string, CredentialsGet>();
  const calls: CredentialsGet[] = [];
  await context.exposeBinding('__hawiyaTestCredentialsGet', (_source, event: GetEvent) => {
    if (event.mediation !== undefined) {
      const call: CredentialsGet = { mediation: event.mediation, outcome: 'pending' };
      byId.set(event.id, call);
      calls.push(call);
      return;
    }
    const call = byId.get(event.id);
    if (call && event.outcome) {
      call.outcome = event.outcome;
      if (event.error) call.error = event.error;
    }
  });
  await context.addInitScript(() => {
    const report = (event: GetEvent) => (window as unknown as { __hawiyaTestCredentialsGet(event: GetEvent): Promise<void> }).__hawiyaTestCredentialsGet(event);
    const original = navigator.credentials.get.bind(navigator.credentials);
    navigator.credentials.get = (options?: CredentialRequestOptions) => {
      const id = crypto.randomUUID();
      void report({ id, mediation: options?.mediation ?? 'optional' });
      return original(options).then(
        (credential) => {
          void report({ id, outcome: 'resolved' });
          return credential;
        },
        (error: unknown) => {
          void report({ id, outcome: 'rejected', error: error instanceof Error ? error.name : String(error) });
          throw error;
        },
      );
    };
  });
  return calls;
}

// Script errors and console errors (CSP refusals among them) a person's browser would show.
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

// Polls until `condition` holds, for up to five seconds.
async function until(condition: () => boolean, what: string): Promise<void> {
  for (const started = Date.now(); !condition(); await new Promise((resolve) => setTimeout(resolve, 25))) {
    if (Date.now() - started > 5000) assert.fail(`timed out waiting until ${what}`);
  }
}

describe('passkeys and the authenticator app in a browser', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let relyingParty: RelyingParty;
  let browser: Browser;
  let config: oidc.Configuration;
  const clock = createOffsetClock();
  const contexts: BrowserContext[] = [];

  // Laila keeps her passkey on her laptop; Omar's is synced by his passkey provider; Huda
  // uses an authenticator app. What their devices hold is kept in the wallet.
  const laila = { username: 'laila.device', password: PASSWORD, id: '' };
  const omar = { username: 'omar.synced', password: PASSWORD, id: '' };
  const huda = { username: 'huda.app', password: PASSWORD, id: '' };
  type Person = typeof laila;
  const wallet = new Map<string, VirtualCredential>();

  before(async () => {
    browser = await launchChromium();
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    relyingParty = await startRelyingParty();
    await registerClient(hawiya, { client_id: CLIENT_ID, client_secret: SECRET, client_name: CLIENT_NAME, redirect_uris: [relyingParty.callbackUrl] });
    config = await discover(hawiya.url, CLIENT_ID, SECRET);
    for (const person of [laila, omar, huda]) person.id = await createPerson(hawiya, person, fictionalRecord());
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await relyingParty?.close();
    await hawiya?.close();
    await testDb?.drop();
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  const db = () => testDb.db;
  const verifyInPerson = (person: Person) => db().query('UPDATE accounts SET verified_in_person_at = now() WHERE id = $1', [person.id]);
  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

  // A fresh browser profile (no session, no consent, no language cookie) and its page.
  async function freshPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 768 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    return { page, problems: watchForProblems(page) };
  }

  async function signInWithPassword(page: Page, person: Person): Promise<void> {
    await page.getByRole('heading', { level: 1, name: t('signin.title'), exact: true }).waitFor();
    await page.getByLabel(t('signin.username'), { exact: true }).fill(person.username);
    await page.getByLabel(t('signin.password'), { exact: true }).fill(person.password);
    await page.getByRole('button', { name: t('signin.submit'), exact: true }).click();
  }

  // /account, signed in with the password, then the security page from the navigation.
  async function openSecurity(page: Page, person: Person): Promise<void> {
    await page.goto(`${hawiya.url}/account`);
    await signInWithPassword(page, person);
    await page.waitForURL(`${hawiya.url}/account`);
    await page.getByRole('navigation', { name: t('account.nav.label') }).getByRole('link', { name: t('account.nav.security'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: t('account.security.title'), exact: true }).waitFor();
  }

  // The relying party's authorization request, opened in the page. Only until the sign-in
  // page arrives: with autofill, the page may sign in and move on before it has loaded.
  async function openAuthorization(page: Page, params: Record<string, string>): Promise<Authorization> {
    const request = await authorizationRequest(config, { redirect_uri: relyingParty.callbackUrl, ui_locales: 'en', ...params });
    const response = await page.goto(request.url.toString(), { waitUntil: 'commit' });
    assert.equal(response?.status(), 200);
    return request;
  }

  // Allows on the consent page when it is shown, and returns the callback the relying party
  // received. An error summary on the way fails at once, with its words.
  async function reachCallback(page: Page): Promise<URL> {
    const consent = page.getByRole('heading', { level: 1, name: t('consent.title'), exact: true });
    const callback = page.getByText('callback reached', { exact: true });
    const alert = page.getByRole('alert');
    await consent.or(callback).or(alert).first().waitFor();
    if (await alert.isVisible()) assert.fail(`the page shows an error: ${await alert.textContent()}`);
    if (await consent.isVisible()) await page.getByRole('button', { name: t('consent.allow'), exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(relyingParty.callbackUrl));
    await callback.waitFor();
    const received = relyingParty.callbacks.at(-1);
    assert.ok(received && page.url() === received.href, 'the relying party received the callback the browser reached');
    return received;
  }

  async function redeem(request: Authorization, callback: URL) {
    assert.equal(callback.searchParams.get('error'), null, `the callback carries an error: ${callback.search}`);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    const claims = tokens.claims();
    assert.ok(claims, 'an ID token');
    return claims;
  }

  const passkeyRow = async (person: Person) => (await db().query<{ credential_id: string; name: string; backup_eligible: boolean; backed_up: boolean; counter: string | number; last_used_at: Date | null }>(
    'SELECT credential_id, name, backup_eligible, backed_up, counter, last_used_at FROM passkeys WHERE account_id = $1', [person.id])).rows;

  // Account pages → Security → Add a passkey → its name → the browser's ceremony → listed.
  async function addPasskey(person: Person, flags: { synced: boolean }, name: string): Promise<void> {
    const { page, problems } = await freshPage();
    const device = await attachDevice(page, flags);
    await openSecurity(page, person);
    await page.getByText(t('account.passkeys.none'), { exact: true }).waitFor();
    await page.getByRole('link', { name: t('account.passkeys.addLink'), exact: true }).click();
    await page.getByRole('heading', { level: 1, name: t('account.passkeys.addTitle'), exact: true }).waitFor();
    // The script shows the button and hides the note meant for pages without JavaScript.
    assert.equal(await page.getByText(t('account.passkeys.needsJs'), { exact: true }).isVisible(), false);
    await page.getByLabel(t('account.passkeys.nameLabel'), { exact: true }).fill(name);
    await page.getByRole('button', { name: t('account.passkeys.create'), exact: true }).click();
    await page.waitForURL(`${hawiya.url}/account/security?done=passkey-added`);
    await page.getByText(t('account.passkeys.added'), { exact: true }).waitFor();

    const items = page.locator('.item-list li');
    assert.equal(await items.count(), 1, 'one passkey is listed');
    assert.equal(await items.locator('.item-name').textContent(), name, 'under the name typed');
    assert.ok(await items.getByText(t(flags.synced ? 'account.passkeys.synced' : 'account.passkeys.deviceBound'), { exact: true }).isVisible());
    await page.screenshot({ path: join(SCREENSHOTS, `passkeys-list-${flags.synced ? 'synced' : 'device-bound'}-en.png`), fullPage: true });

    const credentials = await credentialsOf(device);
    assert.equal(credentials.length, 1, 'the device holds one passkey');
    const credential = credentials[0]!;
    assert.equal(credential.isResidentCredential, true, 'a discoverable credential');
    assert.equal(credential.rpId, new URL(hawiya.url).hostname);
    assert.equal(credential.userName, person.username);
    const rows = await passkeyRow(person);
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { credential_id: rows[0]!.credential_id, name: rows[0]!.name, backup_eligible: rows[0]!.backup_eligible, backed_up: rows[0]!.backed_up },
      { credential_id: Buffer.from(credential.credentialId, 'base64').toString('base64url'), name, backup_eligible: flags.synced, backed_up: flags.synced },
      'the stored passkey is the device\'s, with the flags its authenticator set',
    );
    assert.deepEqual(problems, []);
    wallet.set(person.username, credential);
  }

  // What the device holds after a sign-in (its signature counter moved on), for next time.
  async function keep(person: Person, device: Device): Promise<void> {
    const credentials = await credentialsOf(device);
    assert.equal(credentials.length, 1);
    wallet.set(person.username, credentials[0]!);
  }

  function carried(person: Person): VirtualCredential {
    const credential = wallet.get(person.username);
    assert.ok(credential, `${person.username} has a passkey on a device (added by an earlier test)`);
    return credential;
  }

  describe('adding a passkey from the account pages', () => {
    it('adds a passkey kept on the device: named, listed, and stored as neither backup eligible nor backed up', async () => {
      await addPasskey(laila, { synced: false }, 'Laila’s laptop');
    });

    it('adds a synced passkey: stored as backup eligible and backed up', async () => {
      await addPasskey(omar, { synced: true }, 'Omar’s phone');
    });
  });

  describe('signing in at a relying party with a passkey', () => {
    it('signs in with the button, from another browser holding the same passkey, at substantial', async () => {
      const { page, problems } = await freshPage();
      const calls = await watchCredentialsGet(page.context());
      const device = await attachDevice(page, { synced: false });
      const request = await openAuthorization(page, { acr_values: ACR.substantial });
      assert.equal(await page.getByLabel(t('signin.username'), { exact: true }).getAttribute('autocomplete'), 'username webauthn', 'the field offers passkeys');
      // The empty device turned the page's autofill request down; now it gets the passkey.
      await until(() => calls.some((call) => call.mediation === 'conditional' && call.outcome === 'rejected'), 'the autofill request ends');
      await carry(device, carried(laila));
      await page.getByRole('button', { name: t('passkey.signIn'), exact: true }).click();
      const claims = await redeem(request, await reachCallback(page));
      assert.equal(claims.acr, ACR.substantial, 'not verified in person: substantial, even with a device-bound passkey');
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
      assert.deepEqual(calls.map((call) => `${call.mediation}:${call.outcome}`), ['conditional:rejected', 'optional:resolved'], 'the button\'s own request signed in');
      const [row] = await passkeyRow(laila);
      assert.ok(row?.last_used_at, 'the passkey\'s use is recorded');
      assert.equal(Number(row.counter), (await credentialsOf(device))[0]!.signCount, 'the stored counter is the device\'s');
      assert.deepEqual(problems, []);
      await keep(laila, device);
    });

    it('signs in by autofill (conditional mediation), without the button', async () => {
      const { page, problems } = await freshPage();
      const calls = await watchCredentialsGet(page.context());
      const device = await attachDevice(page, { synced: false });
      await carry(device, carried(laila));
      const posts: string[] = [];
      page.on('request', (sent) => {
        if (sent.method() === 'POST') posts.push(new URL(sent.url()).pathname.replace(/^\/interaction\/[^/]+/, '/interaction/…'));
      });
      // Nothing is typed, clicked or focused: Chromium's virtual environment answers the
      // conditional request as soon as the page makes it (a person would pick the passkey
      // from the username field's suggestions).
      const request = await openAuthorization(page, { acr_values: ACR.substantial });
      const claims = await redeem(request, await reachCallback(page));
      assert.equal(claims.acr, ACR.substantial);
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
      assert.deepEqual(calls, [{ mediation: 'conditional', outcome: 'resolved' }], 'one request, conditional, and it signed in');
      assert.deepEqual(posts, ['/interaction/…/passkey/options', '/interaction/…/passkey', '/interaction/…/confirm'], 'the options, the assertion, the consent: no password, no button');
      assert.deepEqual(problems, []);
      await keep(laila, device);
    });
  });

  describe('the backed-up flag and the high level', () => {
    it('reaches high with a passkey kept on the device, on an account verified in person (password, then the passkey)', async () => {
      await verifyInPerson(laila);
      const { page, problems } = await freshPage();
      const calls = await watchCredentialsGet(page.context());
      const device = await attachDevice(page, { synced: false });
      const request = await openAuthorization(page, { acr_values: ACR.high });
      // The passkey arrives after the page's autofill request was turned down, so the
      // password comes first and the second-factor page asks for the passkey.
      await until(() => calls.some((call) => call.mediation === 'conditional' && call.outcome === 'rejected'), 'the autofill request ends');
      await carry(device, carried(laila));
      await signInWithPassword(page, laila);
      await page.getByRole('heading', { level: 1, name: t('second.title'), exact: true }).waitFor();
      await page.getByText(t('second.passkeyHigh'), { exact: true }).waitFor();
      assert.equal(await page.getByText(t('second.step'), { exact: true }).isVisible(), true);
      await page.screenshot({ path: join(SCREENSHOTS, 'second-factor-passkey-high-en.png'), fullPage: true });
      await page.getByRole('button', { name: t('second.passkeyButton'), exact: true }).click();
      const claims = await redeem(request, await reachCallback(page));
      assert.equal(claims.acr, ACR.high);
      assert.deepEqual(claims.amr, ['hwk', 'pwd', 'user', 'mfa']);
      assert.deepEqual(calls.map((call) => `${call.mediation}:${call.outcome}`), ['conditional:rejected', 'optional:resolved'], 'no autofill on the second-factor page');
      assert.deepEqual(problems, []);
      await keep(laila, device);
    });

    it('reaches high with that passkey alone, by autofill', async () => {
      const { page, problems } = await freshPage();
      const device = await attachDevice(page, { synced: false });
      await carry(device, carried(laila));
      const request = await openAuthorization(page, { acr_values: ACR.high });
      const claims = await redeem(request, await reachCallback(page));
      assert.equal(claims.acr, ACR.high);
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
      assert.deepEqual(problems, []);
      await keep(laila, device);
    });

    it('does not reach high with a synced passkey: the relying party gets unmet_authentication_requirements', async () => {
      await verifyInPerson(omar);
      const { page, problems } = await freshPage();
      const calls = await watchCredentialsGet(page.context());
      const device = await attachDevice(page, { synced: true });
      await carry(device, carried(omar));
      const request = await openAuthorization(page, { acr_values: ACR.high });
      const callback = await reachCallback(page);
      assert.equal(callback.searchParams.get('error'), 'unmet_authentication_requirements');
      assert.equal(callback.searchParams.get('state'), request.state);
      assert.equal(callback.searchParams.get('code'), null);
      assert.deepEqual(calls, [{ mediation: 'conditional', outcome: 'resolved' }], 'the passkey was used, and was not enough');
      const [row] = await passkeyRow(omar);
      assert.deepEqual({ backup_eligible: row?.backup_eligible, backed_up: row?.backed_up, used: row?.last_used_at instanceof Date }, { backup_eligible: true, backed_up: true, used: true });
      assert.deepEqual(problems, []);
      await keep(omar, device);
    });

    it('gives the synced passkey substantial when substantial is asked', async () => {
      const { page, problems } = await freshPage();
      const device = await attachDevice(page, { synced: true });
      await carry(device, carried(omar));
      const request = await openAuthorization(page, { acr_values: ACR.substantial });
      const claims = await redeem(request, await reachCallback(page));
      assert.equal(claims.acr, ACR.substantial);
      assert.deepEqual(claims.amr, ['swk', 'user', 'mfa']);
      assert.deepEqual(problems, []);
    });
  });

  describe('the authenticator app', () => {
    it('is set up from the key shown on the page, then a relying party\'s substantial sign-in asks for its code', async () => {
      const { page, problems } = await freshPage();
      await openSecurity(page, huda);
      await page.getByRole('link', { name: t('account.totp.addLink'), exact: true }).click();
      await page.getByRole('heading', { level: 1, name: t('account.totp.title'), exact: true }).waitFor();

      const qr = page.getByRole('img', { name: t('account.totp.qrAlt'), exact: true });
      const image = await qr.evaluate((img: HTMLImageElement) => img.decode().then(() => ({ src: img.src.slice(0, 26), drawn: img.naturalWidth > 0, width: img.getBoundingClientRect().width })));
      assert.deepEqual(image, { src: 'data:image/svg+xml;base64,', drawn: true, width: 200 }, 'the QR code is shown');
      const shown = (await page.locator('#secret').textContent()) ?? '';
      assert.match(shown, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/, 'the key, in groups of four');
      const secret = shown.replaceAll(' ', '');
      await page.screenshot({ path: join(SCREENSHOTS, 'authenticator-setup-en.png'), fullPage: true });

      await page.getByLabel(t('account.totp.codeLabel'), { exact: true }).fill(await totpCode(secret));
      await page.getByRole('button', { name: t('account.totp.confirm'), exact: true }).click();
      await page.waitForURL(`${hawiya.url}/account/security?done=totp-added`);
      await page.getByText(t('account.totp.added'), { exact: true }).waitFor();
      await page.getByText(t('account.totp.on'), { exact: true }).waitFor();
      await page.getByRole('link', { name: t('account.totp.removeLink'), exact: true }).waitFor();
      const { rows } = await db().query('SELECT 1 FROM totp_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL', [huda.id]);
      assert.equal(rows.length, 1);
      assert.deepEqual(problems, []);

      // The code just used is spent: the sign-in uses the next one, 30 seconds on.
      clock.advance(30);
      const other = await freshPage();
      const request = await openAuthorization(other.page, { acr_values: ACR.substantial });
      await signInWithPassword(other.page, huda);
      await other.page.getByRole('heading', { level: 1, name: t('second.title'), exact: true }).waitFor();
      await other.page.getByText(t('second.step'), { exact: true }).waitFor();
      const code = other.page.getByLabel(t('second.totpLabel'), { exact: true });
      assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
      await other.page.screenshot({ path: join(SCREENSHOTS, 'second-factor-totp-en.png'), fullPage: true });
      await code.fill(await totpCode(secret));
      await other.page.getByRole('button', { name: t('second.continue'), exact: true }).click();
      const claims = await redeem(request, await reachCallback(other.page));
      assert.equal(claims.acr, ACR.substantial);
      assert.deepEqual(claims.amr, ['otp', 'pwd', 'mfa']);
      assert.deepEqual(other.problems, []);
    });
  });
});
