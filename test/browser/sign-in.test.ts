// The sign-in pages in a real browser: Debian's Chromium driven by playwright-core.
// The whole front channel under our real CSP, right-to-left Arabic, axe-core checks,
// keyboard-only use, and the error summary. Chromium is required: the suite fails, never
// skips, when it is missing (install it with `apt-get install -y chromium`).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, startRelyingParty, SCREENSHOTS, type RelyingParty } from '../support/browser.ts';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, oidc, PERSON, type Authorization } from '../support/relying-party.ts';
import { translate, type Locale } from '../../src/web/i18n.ts';
import { assertNoSeriousAxeViolations } from '../support/axe.ts';


const CLIENT_ID = 'browser';
const SECRET = 'browser-client-secret-0123456789-abcdefghij';
const CLIENT_NAME = 'Ministry of Health portal';


// The element that has focus, described for assertions.
async function focused(page: Page): Promise<{ tag: string; id: string; className: string; text: string }> {
  return page.evaluate(() => {
    const element = document.activeElement;
    return { tag: element?.localName ?? '', id: element?.id ?? '', className: element?.className ?? '', text: element?.textContent?.trim().slice(0, 80) ?? '' };
  });
}

// Records what a person's browser would complain about: script errors, console errors
// (CSP refusals among them) and failed loads. Chromium asks for /favicon.ico by itself;
// its 404 is not the page's doing.
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  const ignored = (url: string) => new URL(url).pathname === '/favicon.ico';
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !ignored(message.location().url)) problems.push(`console: ${message.text()}`);
  });
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('response', (response) => {
    if (response.status() >= 400 && !ignored(response.url())) problems.push(`${response.status()}: ${response.url()}`);
  });
  return problems;
}

// Waits until the page has rendered twice: Chromium applies `autofocus` when it renders,
// so only then is the focus a person meets settled.
async function settled(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

// Presses Tab until the focused element's text is `text`; fails after `limit` presses.
async function tabTo(page: Page, text: string, limit = 10): Promise<void> {
  for (let presses = 0; presses < limit; presses++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).text === text) return;
  }
  assert.fail(`"${text}" was not reached in ${limit} presses of Tab`);
}

describe('sign-in in a browser', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let relyingParty: RelyingParty;
  let browser: Browser;
  let config: oidc.Configuration;
  let personId: string;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    relyingParty = await startRelyingParty();
    await registerClient(hawiya, { client_id: CLIENT_ID, client_secret: SECRET, client_name: CLIENT_NAME, redirect_uris: [relyingParty.callbackUrl] });
    personId = await createPerson(hawiya);
    config = await discover(hawiya.url, CLIENT_ID, SECRET);
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await relyingParty?.close();
    await hawiya?.close();
    await testDb?.drop();
  });

  // A fresh browser profile for each test: no session, no consent, no language cookie.
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1024, height: 768 } });
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  // Opens the relying party's authorization URL and waits for the sign-in page.
  async function openSignIn(locale: Locale): Promise<Authorization> {
    const request = await authorizationRequest(config, { redirect_uri: relyingParty.callbackUrl, ui_locales: locale });
    const response = await page.goto(request.url.toString());
    assert.equal(response?.status(), 200);
    await page.getByRole('heading', { level: 1, name: translate(locale, 'signin.title'), exact: true }).waitFor();
    return request;
  }

  async function fillSignIn(locale: Locale, credentials: { username: string; password: string }): Promise<void> {
    await page.getByLabel(translate(locale, 'signin.username'), { exact: true }).fill(credentials.username);
    await page.getByLabel(translate(locale, 'signin.password'), { exact: true }).fill(credentials.password);
  }

  async function submitSignIn(locale: Locale): Promise<void> {
    await page.getByRole('button', { name: translate(locale, 'signin.submit'), exact: true }).click();
  }

  async function waitForCallback(): Promise<URL> {
    await page.waitForURL((url) => url.href.startsWith(relyingParty.callbackUrl));
    assert.equal(await page.locator('body').textContent(), 'callback reached');
    const callback = relyingParty.callbacks.at(-1);
    assert.ok(callback, 'the relying party received the callback');
    return callback;
  }

  // Signs in, allows on the consent page, and checks the relying party got a code that
  // openid-client can exchange.
  async function signInThroughTheBrowser(locale: Locale): Promise<void> {
    const request = await openSignIn(locale);
    await fillSignIn(locale, PERSON);
    await submitSignIn(locale);
    await page.getByRole('heading', { level: 1, name: translate(locale, 'consent.title'), exact: true }).waitFor();
    await page.getByRole('button', { name: translate(locale, 'consent.allow'), exact: true }).click();
    const callback = await waitForCallback();
    assert.equal(callback.searchParams.get('state'), request.state);
    assert.ok(callback.searchParams.get('code'), 'the callback carries a code');
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
    // The sub is pairwise: stable for this client's sector, never the person's own id.
    const sub = tokens.claims()?.sub;
    assert.match(sub ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(sub, personId);
  }

  it('signs in in English, through consent, to the relying party, under the real CSP', async () => {
    await openSignIn('en');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'ltr');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-en.png'), fullPage: true });
    // Again from the start, now all the way through.
    await signInThroughTheBrowser('en');
  });

  it('shows Arabic right to left, keeps the username left to right, and signs in', async () => {
    await openSignIn('ar');
    const layout = await page.evaluate(() => {
      const style = (selector: string) => getComputedStyle(document.querySelector(selector)!);
      const username = document.querySelector<HTMLInputElement>('#username')!;
      return {
        dir: document.documentElement.dir,
        lang: document.documentElement.lang,
        h1Direction: style('h1').direction,
        // .who has a border on its inline start, which is the right in Arabic.
        whoBorderRight: style('.who').borderRightWidth,
        whoBorderLeft: style('.who').borderLeftWidth,
        usernameDir: username.dir,
        usernameDirection: getComputedStyle(username).direction,
      };
    });
    assert.deepEqual(layout, {
      dir: 'rtl',
      lang: 'ar',
      h1Direction: 'rtl',
      whoBorderRight: '5px',
      whoBorderLeft: '0px',
      usernameDir: 'ltr',
      usernameDirection: 'ltr',
    });
    const h1 = await page.locator('h1').boundingBox();
    const main = await page.locator('main').boundingBox();
    assert.ok(h1 && main && h1.x + h1.width > main.x + main.width / 2, 'the heading sits on the right of the page');
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-ar.png'), fullPage: true });
    await signInThroughTheBrowser('ar');
  });

  it('loads its stylesheet and scripts under the CSP without an error', async () => {
    const problems = watchForProblems(page);
    await openSignIn('en');
    await page.waitForLoadState('networkidle');
    const styled = await page.evaluate(() => getComputedStyle(document.querySelector('.band')!).backgroundColor);
    assert.equal(styled, 'rgb(0, 89, 79)', 'the stylesheet applies');
    assert.deepEqual(problems, []);
  });

  describe('accessibility (axe-core)', () => {
    for (const locale of ['en', 'ar'] as const) {
      it(`has no serious or critical violations on the ${locale} sign-in page`, async () => {
        await openSignIn(locale);
        await assertNoSeriousAxeViolations(page, `the ${locale} sign-in page`);
      });
    }

    for (const locale of ['en', 'ar'] as const) {
      it(`has no serious or critical violations on the ${locale} home page`, async () => {
        await page.goto(`${hawiya.url}/?lang=${locale}`);
        await assertNoSeriousAxeViolations(page, `the ${locale} home page`);
      });
    }

    it('has no serious or critical violations on the sign-in page showing an error', async () => {
      await openSignIn('en');
      await submitSignIn('en');
      await page.getByRole('alert').waitFor();
      await assertNoSeriousAxeViolations(page, 'the sign-in page with errors');
    });
  });

  it('can be used with the keyboard alone', async () => {
    await openSignIn('en');
    await settled(page);
    const start = await focused(page);
    assert.equal(start.tag, 'body', `focus starts at the top of the page, not on ${JSON.stringify(start)}: an autofocused field skips the skip link, the header and the page's context`);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).className, 'skip-link', 'the first tab stop is the skip link');
    const skip = await page.locator('.skip-link').boundingBox();
    assert.ok(skip && skip.x >= 0 && skip.y >= 0, 'the focused skip link is on screen');

    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main', 'the skip link moves focus to main');

    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'username', 'the username field comes next');
    await page.keyboard.type(PERSON.username);
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).id, 'password');
    await page.keyboard.type(PERSON.password);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: translate('en', 'consent.title'), exact: true }).waitFor();

    await tabTo(page, translate('en', 'consent.allow'));
    await page.keyboard.press('Enter');
    await waitForCallback();
  });

  it('shows the error summary first for a wrong password, keeping the username but not the password', async () => {
    await openSignIn('en');
    await fillSignIn('en', { username: PERSON.username, password: 'not the password' });
    await submitSignIn('en');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const message = (await alert.textContent()) ?? '';
    assert.ok(message.includes(translate('en', 'error.summary')) && message.includes(translate('en', 'errors.signin_failed')), message);

    const summary = await alert.boundingBox();
    const form = await page.locator('form').first().boundingBox();
    assert.ok(summary && form && summary.y + summary.height <= form.y, 'the summary is above the form');
    assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), PERSON.username);
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-error-en.png'), fullPage: true });
  });
});
