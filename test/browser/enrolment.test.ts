// The whole enrolment in a real browser (Debian's Chromium driven by playwright-core), as
// the issue tells it: a citizen registers; a clerk signs in with a passkey and activates
// them; the citizen's first sign-in sets a password and enrols an authenticator app; the
// citizen reaches a relying party. Once in English and once in Arabic, where right to left
// must take effect in the layout, not only in the markup. Every step is the real page,
// clicked and typed into under the real CSP; axe-core checks the pages on the way.
// Chromium is required: the suite fails, never skips, when it is missing.
//
// The clerk works in the other language than the citizen's, so the slip proves it follows
// the citizen's language, and the counter's pages are seen in both directions too.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { attachDevice, launchChromium, startRelyingParty, SCREENSHOTS, type RelyingParty } from '../support/browser.ts';
import { backend, createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, discover, authorizationRequest, fictionalRecord, oidc } from '../support/relying-party.ts';
import { jsonLines } from '../support/registry-records.ts';
import { OFFICES, newStaffPerson, type StaffPerson } from '../support/office.ts';
import { createFileRegistry } from '../../src/register/civil-registry-file.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { translate, type Locale } from '../../src/web/i18n.ts';
import { ACR } from '../../src/authn/assurance.ts';
import { assertNoSeriousAxeViolations } from '../support/axe.ts';

const CLIENT_ID = 'enrolment-portal';
const SECRET = 'enrolment-portal-client-secret-0123456789-abcdef';
const PASSWORD = 'olive grove by the sea 42';
const OFFICE = OFFICES[0]!;

// How the page is laid out: its language and direction, and where the first letter of a
// start-aligned heading sits. In Arabic it must be at the right of the main column, in
// English at the left: `startGap` is its distance from main's content edge on the start
// side, `endGap` on the other.
async function layoutOf(page: Page) {
  return page.evaluate(() => {
    const main = document.querySelector('main')!;
    const mainStyle = getComputedStyle(main);
    const mainBox = main.getBoundingClientRect();
    const contentLeft = mainBox.left + parseFloat(mainStyle.paddingLeft);
    const contentRight = mainBox.right - parseFloat(mainStyle.paddingRight);
    const heading = Array.from(main.querySelectorAll('h1, h2')).find((element) => getComputedStyle(element).textAlign === 'start')!;
    const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
    let text: Node | null = walker.nextNode();
    while (text && !/\S/.test(text.textContent ?? '')) text = walker.nextNode();
    const offset = (text!.textContent ?? '').search(/\S/);
    const range = document.createRange();
    range.setStart(text!, offset);
    range.setEnd(text!, offset + 1);
    const letter = range.getBoundingClientRect();
    const rtl = getComputedStyle(heading).direction === 'rtl';
    return {
      lang: document.documentElement.lang,
      dir: document.documentElement.dir,
      mainDirection: mainStyle.direction,
      headingDirection: getComputedStyle(heading).direction,
      heading: heading.textContent?.trim().slice(0, 40) ?? '',
      startGap: Math.round(rtl ? contentRight - letter.right : letter.left - contentLeft),
      endGap: Math.round(rtl ? letter.left - contentLeft : contentRight - letter.right),
    };
  });
}

// Numbers and codes keep their own direction inside Arabic: each element is a <bdi> or
// has dir="ltr", and is laid out left to right.
async function isolationOf(page: Page, selector: string) {
  return page.locator(selector).evaluateAll((elements) => elements.map((element) => ({
    isolated: element.localName === 'bdi' || element.getAttribute('dir') === 'ltr' || element.closest('bdi, [dir="ltr"]') !== null,
    direction: getComputedStyle(element).direction,
  })));
}

// The day, month and year fields of a date: each sized for its digits, its label inside
// its own column (the registration and the counter once shared a class that drew a box
// around the registration's labels and left the counter's fields full width).
async function dateFieldsOf(page: Page, legend: string) {
  return page.getByRole('group', { name: legend }).locator('input').evaluateAll((inputs) => inputs.map((input) => {
    const column = input.parentElement!.getBoundingClientRect();
    const label = document.querySelector(`label[for="${input.id}"]`)!;
    const range = document.createRange();
    range.selectNodeContents(label);
    const text = range.getBoundingClientRect();
    return { narrow: input.getBoundingClientRect().width <= 96, labelInside: text.left >= column.left - 0.5 && text.right <= column.right + 0.5 };
  }));
}

async function assertDateFieldsFit(page: Page, legend: string): Promise<void> {
  const fields = await dateFieldsOf(page, legend);
  assert.deepEqual(fields, [1, 2, 3].map(() => ({ narrow: true, labelInside: true })), `the ${legend} fields fit their digits and labels`);
}

// Script errors and console errors (CSP refusals among them) a person's browser would show.
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  return problems;
}

interface Run {
  citizen: Locale;
  clerk: Locale;
  // What each browser sends as Accept-Language.
  browserLocale: Record<'citizen' | 'clerk', string>;
  // The citizen types the name as on the identity card, in this script.
  script: 'lat' | 'ar';
  usernameAlias: string;
}

const RUNS: Run[] = [
  { citizen: 'en', clerk: 'ar', browserLocale: { citizen: 'en-GB', clerk: 'ar' }, script: 'lat', usernameAlias: 'salma.khatib' },
  { citizen: 'ar', clerk: 'en', browserLocale: { citizen: 'ar', clerk: 'en-GB' }, script: 'ar', usernameAlias: '' },
];

describe(`enrolment in a browser, from registration to a relying party (${backend})`, function () {
  this.timeout(60_000);
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  for (const run of RUNS) {
    describe(`a citizen whose browser is in ${run.citizen}, a clerk in ${run.clerk}`, () => {
      let testDb: TestDb;
      let hawiya: RunningHawiya;
      let relyingParty: RelyingParty;
      let registryDir: string;
      let citizenRecord: RegistryRecord;
      let clerk: StaffPerson;
      const contexts: BrowserContext[] = [];
      // What the paper carries from one step to the next.
      const paper = { reference: '', username: '', activationCode: '' };
      let shot = 0;

      before(async () => {
        citizenRecord = fictionalRecord({ locale: run.citizen });
        const clerkRecord = fictionalRecord({
          names: { ar: { given: 'كريم', father: 'سامي', grandfather: 'علي', family: 'حداد' }, lat: { given: 'Karim', father: 'Sami', grandfather: 'Ali', family: 'Haddad' } },
        });
        registryDir = mkdtempSync(join(tmpdir(), 'hawiya-enrolment-'));
        const file = join(registryDir, 'registry.jsonl');
        writeFileSync(file, jsonLines([citizenRecord, clerkRecord]));
        testDb = await createTestDb();
        hawiya = await startHawiya({ db: testDb.db, kek: newKek(), registry: createFileRegistry(file) });
        for (const office of OFFICES) await hawiya.hawiya.services.offices.save(office, 'test');
        // In the register, with an account verified in person and a device-bound passkey
        // (the high level the counter needs), on the staff of the citizen's office.
        clerk = await newStaffPerson(hawiya, 'clerk', OFFICE.code, clerkRecord);
        relyingParty = await startRelyingParty();
        await registerClient(hawiya, { client_id: CLIENT_ID, client_secret: SECRET, client_name: 'Ministry of Health portal', redirect_uris: [relyingParty.callbackUrl] });
      });

      after(async () => {
        await Promise.all(contexts.map((context) => context.close()));
        await relyingParty?.close();
        await hawiya?.close();
        await testDb?.drop();
        if (registryDir) rmSync(registryDir, { recursive: true, force: true });
      });

      async function newPage(who: 'citizen' | 'clerk'): Promise<{ page: Page; problems: string[] }> {
        const context = await browser.newContext({ locale: run.browserLocale[who], viewport: { width: 1024, height: 768 } });
        context.setDefaultTimeout(20_000);
        context.setDefaultNavigationTimeout(30_000);
        contexts.push(context);
        const page = await context.newPage();
        return { page, problems: watchForProblems(page) };
      }

      // Each page: its title, language and direction (taking effect in the layout), the
      // isolation of its codes, axe-core when asked, and a screenshot.
      async function checkPage(page: Page, locale: Locale, name: string, expect: { title: string; isolated?: string[]; axe?: boolean }): Promise<void> {
        await page.getByRole('heading', { level: 1, name: expect.title }).first().waitFor();
        const layout = await layoutOf(page);
        const rtl = locale === 'ar';
        assert.deepEqual(
          { lang: layout.lang, dir: layout.dir, mainDirection: layout.mainDirection, headingDirection: layout.headingDirection },
          { lang: locale, dir: rtl ? 'rtl' : 'ltr', mainDirection: rtl ? 'rtl' : 'ltr', headingDirection: rtl ? 'rtl' : 'ltr' },
          `${name} (${locale}): <html lang dir> and the computed direction`,
        );
        assert.ok(layout.startGap >= -1 && layout.startGap < 48 && layout.endGap > 100,
          `${name} (${locale}): "${layout.heading}" starts at the ${rtl ? 'right' : 'left'} of the page (${JSON.stringify(layout)})`);
        for (const selector of expect.isolated ?? []) {
          const found = await isolationOf(page, selector);
          assert.ok(found.length > 0, `${name}: ${selector} is on the page`);
          assert.deepEqual(found, found.map(() => ({ isolated: true, direction: 'ltr' })), `${name} (${locale}): ${selector} is isolated, left to right`);
        }
        if (expect.axe !== false) await assertNoSeriousAxeViolations(page, `${name} (${locale})`);
        await page.screenshot({ path: join(SCREENSHOTS, `enrolment-citizen-${run.citizen}-${String(++shot).padStart(2, '0')}-${name}-${locale}.png`), fullPage: true });
      }

      it('registers the citizen through every page, and gives a reference to take to the office', async () => {
        const locale = run.citizen;
        const t = (key: string) => translate(locale, key);
        const { page, problems } = await newPage('citizen');
        const continueButton = page.getByRole('button', { name: t('register.continue'), exact: true });
        const byLabel = (key: string) => page.getByLabel(t(key), { exact: true });

        await page.goto(`${hawiya.url}/register`);
        await checkPage(page, locale, 'register-start', { title: t('register.start.title') });
        await page.getByRole('link', { name: t('register.start.button'), exact: true }).click();

        await checkPage(page, locale, 'register-civil-number', { title: t('register.civilNumber.title'), isolated: ['#civilNumber'] });
        await byLabel('register.civilNumber.label').fill(citizenRecord.civilNumber);
        await continueButton.click();

        await checkPage(page, locale, 'register-name', { title: t('register.name.title') });
        const names = citizenRecord.names[run.script];
        await byLabel('register.name.given').fill(names.given);
        await byLabel('register.name.family').fill(names.family);
        await continueButton.click();

        await checkPage(page, locale, 'register-birth-date', { title: t('register.birthDate.title') });
        await assertDateFieldsFit(page, t('register.birthDate.legend'));
        const [year, month, day] = citizenRecord.birthDate.split('-');
        await byLabel('date.day').fill(String(Number(day)));
        await byLabel('date.month').fill(String(Number(month)));
        await byLabel('date.year').fill(year!);
        await continueButton.click();

        await checkPage(page, locale, 'register-contact', { title: t('register.contact.title'), isolated: ['#phone', '#email'] });
        await byLabel('register.contact.phone').fill('+216 20 123 456');
        await continueButton.click();

        await checkPage(page, locale, 'register-username', { title: t('register.username.title'), isolated: ['#usernameAlias'] });
        if (run.usernameAlias) await byLabel('register.username.label').fill(run.usernameAlias);
        await continueButton.click();

        await checkPage(page, locale, 'register-office', { title: t('register.office.title') });
        await byLabel('register.office.label').selectOption({ label: OFFICE.names[locale] });
        await continueButton.click();

        await checkPage(page, locale, 'register-check', { title: t('register.check.title'), isolated: ['#civilNumber bdi', '#phone bdi'] });
        const check = (await page.locator('main').textContent()) ?? '';
        for (const shown of [citizenRecord.civilNumber, names.given, names.family, OFFICE.names[locale]]) assert.ok(check.includes(shown), `the check page shows ${shown}`);
        await page.getByRole('button', { name: t('register.check.submit'), exact: true }).click();

        await checkPage(page, locale, 'register-confirmation', { title: t('register.confirmation.title'), isolated: ['.reference-code bdi'] });
        paper.reference = ((await page.locator('.reference-code').textContent()) ?? '').trim();
        assert.match(paper.reference, /^[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}$/, 'the reference, as the citizen reads it');
        assert.deepEqual(problems, []);
      });

      it('lets the clerk sign in with a device-bound passkey, find the application by its reference, check the document and activate it', async () => {
        assert.ok(paper.reference, 'the citizen has a reference (from the registration above)');
        const locale = run.clerk;
        const t = (key: string) => translate(locale, key);
        const { page, problems } = await newPage('clerk');
        const context = page.context();
        // Tells when the sign-in page's autofill (conditional) request has been turned down
        // by the still empty device, so the passkey is used through the button.
        await context.addInitScript(() => {
          const original = navigator.credentials.get.bind(navigator.credentials);
          navigator.credentials.get = (options?: CredentialRequestOptions) => {
            const call = original(options);
            if (options?.mediation === 'conditional') call.catch(() => Object.assign(window, { hawiyaTestAutofillEnded: true }));
            return call;
          };
        });
        const { cdp, authenticatorId } = await attachDevice(page, { synced: false });

        await page.goto(`${hawiya.url}/office`);
        await page.waitForURL(/\/interaction\//);
        await checkPage(page, locale, 'office-sign-in', { title: t('signin.title'), isolated: ['#username'], axe: false });
        await page.waitForFunction(() => (window as unknown as { hawiyaTestAutofillEnded?: boolean }).hawiyaTestAutofillEnded === true);
        // The passkey registered for the clerk, with its private key, now on this device.
        const credential = clerk.key.virtualCredential(new URL(hawiya.url).hostname, Buffer.from(clerk.id.replaceAll('-', ''), 'hex'));
        await cdp.send('WebAuthn.addCredential', { authenticatorId, credential });
        await page.getByRole('button', { name: t('passkey.signIn'), exact: true }).click();
        await page.waitForURL(`${hawiya.url}/office`);
        const { rows } = await testDb.db.query<{ last_used_at: Date | null; counter: string | number }>('SELECT last_used_at, counter FROM passkeys WHERE account_id = $1', [clerk.id]);
        assert.ok(rows[0]?.last_used_at && Number(rows[0].counter) > 0, 'the clerk signed in with the passkey');

        await checkPage(page, locale, 'office-queue', { title: t('office.queue.title'), isolated: ['main table bdi.number'] });
        // The queue updates itself (its script says so once it runs), and the search box
        // takes the focus: the reference is typed straight in.
        await page.getByText(t('office.queue.refreshes'), { exact: true }).waitFor();
        assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
        await page.keyboard.type(paper.reference);
        await page.keyboard.press('Enter');
        await page.waitForURL(/\/office\/applications\/[0-9a-f-]+$/);

        await checkPage(page, locale, 'office-application', { title: `${t('office.application.title')} ${paper.reference}`, isolated: ['h1 bdi.number', 'main table bdi.number', '#documentNumber'] });
        await page.getByLabel(t('office.documentTypes.idcard'), { exact: true }).check();
        await page.getByLabel(t('office.evidence.documentNumber'), { exact: true }).fill('AB123456');
        await page.getByLabel(t('office.evidence.issuer'), { exact: true }).fill('Ministry of Interior');
        await assertDateFieldsFit(page, t('office.evidence.expiresOn'));
        const expiry = page.getByRole('group', { name: t('office.evidence.expiresOn') });
        await expiry.getByLabel(t('office.date.day'), { exact: true }).fill('31');
        await expiry.getByLabel(t('office.date.month'), { exact: true }).fill('12');
        await expiry.getByLabel(t('office.date.year'), { exact: true }).fill(String(new Date().getUTCFullYear() + 5));
        await page.getByLabel(t('office.evidence.photoMatches'), { exact: true }).check();
        await page.getByLabel(t('office.evidence.documentGenuine'), { exact: true }).check();
        await page.getByRole('button', { name: t('office.evidence.activate'), exact: true }).click();

        await checkPage(page, locale, 'office-confirm', { title: t('office.activate.confirmTitle') });
        assert.ok(((await page.locator('main').textContent()) ?? '').includes('AB123456'), 'the confirmation names the document checked');
        await page.getByRole('button', { name: t('office.activate.confirmButton'), exact: true }).click();

        // The slip is in the citizen's language, not the clerk's.
        const slipLocale = run.citizen;
        await checkPage(page, slipLocale, 'office-slip', { title: translate(slipLocale, 'office.slip.title'), isolated: ['.slip-username', '.activation-code'] });
        paper.username = ((await page.locator('.slip-username').textContent()) ?? '').trim();
        paper.activationCode = ((await page.locator('.activation-code').textContent()) ?? '').trim();
        assert.match(paper.activationCode, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
        if (run.usernameAlias) assert.equal(paper.username, run.usernameAlias, 'the username the citizen chose');
        else assert.match(paper.username, /^\d+$/, 'the e-ID number, as no username was chosen');
        assert.deepEqual(problems, []);
      });

      it('takes the citizen from the relying party through the first sign-in (code, password, authenticator app) and back, at substantial', async () => {
        assert.ok(paper.activationCode, 'the citizen has the slip (from the counter above)');
        const locale = run.citizen;
        const t = (key: string) => translate(locale, key);
        const { page, problems } = await newPage('citizen');
        const config = await discover(hawiya.url, CLIENT_ID, SECRET);
        const request = await authorizationRequest(config, { redirect_uri: relyingParty.callbackUrl, acr_values: ACR.substantial });
        await page.goto(request.url.toString());

        await checkPage(page, locale, 'sign-in', { title: t('signin.title'), isolated: ['#username', '#password'], axe: false });
        await page.getByRole('link', { name: t('activate.link'), exact: true }).click();

        await checkPage(page, locale, 'activate-code', { title: t('activate.code.title'), isolated: ['#username', '#activationCode'] });
        await page.getByLabel(t('signin.username'), { exact: true }).fill(paper.username);
        await page.getByLabel(t('activate.code.label'), { exact: true }).fill(paper.activationCode);
        await page.getByRole('button', { name: t('activate.continue'), exact: true }).click();

        await checkPage(page, locale, 'activate-password', { title: t('activate.password.title'), isolated: ['#newPassword', '#confirmPassword'] });
        await page.getByLabel(t('activate.password.new'), { exact: true }).fill(PASSWORD);
        await page.getByLabel(t('activate.password.confirm'), { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: t('activate.password.submit'), exact: true }).click();

        await checkPage(page, locale, 'activate-factor', { title: t('activate.factor.title') });
        await page.getByLabel(t('activate.factor.totp'), { exact: true }).check();
        await page.getByRole('button', { name: t('activate.continue'), exact: true }).click();

        await checkPage(page, locale, 'activate-totp', { title: t('account.totp.title'), isolated: ['#secret', '#code'] });
        const secret = ((await page.locator('#secret').textContent()) ?? '').replace(/\s/g, '');
        assert.match(secret, /^[A-Z2-7]{16,}$/, 'the key to type into the app');
        await page.getByLabel(t('account.totp.codeLabel'), { exact: true }).fill(await generate({ secret }));
        await page.getByRole('button', { name: t('activate.finish'), exact: true }).click();

        // The relying party's first visit asks for consent.
        const consent = page.getByRole('heading', { level: 1, name: t('consent.title'), exact: true });
        const alert = page.getByRole('alert');
        const atCallback = () => page.url().startsWith(relyingParty.callbackUrl);
        await consent.or(alert).or(page.getByText('callback reached', { exact: true })).first().waitFor();
        if (await alert.isVisible()) assert.fail(`the page shows an error: ${await alert.textContent()}`);
        if (!atCallback()) {
          await checkPage(page, locale, 'consent', { title: t('consent.title'), axe: false });
          await page.getByRole('button', { name: t('consent.allow'), exact: true }).click();
        }
        await page.waitForURL((url) => url.href.startsWith(relyingParty.callbackUrl));
        const callback = relyingParty.callbacks.at(-1);
        assert.ok(callback && callback.searchParams.get('code'), `the relying party got a code: ${callback?.search}`);

        const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
        const claims = tokens.claims();
        assert.equal(claims?.acr, ACR.substantial);
        assert.deepEqual([...(claims?.amr as string[])].sort(), ['mfa', 'otp', 'pwd']);
        const { rows } = await testDb.db.query<{ state: string; locale: string }>('SELECT a.state, a.locale FROM accounts a JOIN persons p ON p.id = a.id WHERE p.civil_number = $1', [citizenRecord.civilNumber]);
        assert.deepEqual(rows[0], { state: 'active', locale: run.citizen });
        assert.deepEqual(problems, []);
      });
    });
  }
});
