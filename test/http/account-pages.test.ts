// The citizen's account pages as a person meets them: signing in through Hawiya's own
// client, the register's details, factors, sessions, connected services, activity and
// language, in ar, fr and en; and what the database holds after each change.
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, fictionalRecord, codeFlow, signInThrough, oidc, PERSON } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { ACR } from '../../src/authn/assurance.ts';

const SECRET = 'account-pages-client-secret-0123456789-abcdef';
const PASSWORD = 'a long and good password';
let people = 0;

describe('account pages', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    await registerClient(hawiya, { client_id: 'portal', client_secret: SECRET, client_name: 'Ministry of Health portal' });
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const url = (path: string) => `${hawiya.url}${path}`;
  const db = () => testDb.db;

  async function newPerson(): Promise<{ id: string; username: string; password: string }> {
    const person = { username: `citizen.${people++}`, password: PASSWORD };
    return { ...person, id: await createPerson(hawiya, person, fictionalRecord()) };
  }

  // Posts a page's form (the one whose action ends with `ending`), with its CSRF token.
  function submit(agent: UserAgent, page: Page, ending: string, fields: Record<string, string> = {}): Promise<Page> {
    return agent.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } });
  }

  // Opens an account page; when sent to sign in, signs in with the password (and the
  // authenticator app's code when asked), and lands on the page.
  async function open(agent: UserAgent, path: string, person: { username: string; password: string }, totpSecret?: string): Promise<Page> {
    let page = await agent.navigate(url(path));
    if (page.html.includes('name="password"')) {
      page = await submit(agent, page, '/login', { username: person.username, password: person.password });
      if (page.html.includes('/otp"')) page = await submit(agent, page, '/otp', { code: await totpCode(totpSecret!) });
    }
    return page;
  }

  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  const text = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ');
  const auditActions = async (id: string) => (await db().query<{ action: string }>('SELECT action FROM audit_log WHERE subject = $1 ORDER BY seq', [id])).rows.map((row) => row.action);
  const sessionsOf = async (id: string) => (await db().query(`SELECT 1 FROM oidc_model WHERE model = 'Session' AND payload ->> 'accountId' = $1`, [id])).rows.length;

  describe('signing in', () => {
    it('goes through Hawiya\'s own client without a consent page, and shows the register\'s details in both scripts', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const first = await agent.request(url('/account'));
      assert.equal(first.status, 302);
      const location = new URL(first.headers.get('location')!);
      assert.equal(location.pathname, '/auth');
      assert.equal(location.searchParams.get('client_id'), 'hawiya-account');
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');

      const page = await open(agent, '/account', person);
      assert.equal(page.url, url('/account'));
      assert.equal(page.status, 200);
      assert.match(page.html, /Salma Youssef Ibrahim El Khatib/);
      assert.match(page.html, /<dd lang="ar" dir="rtl">سلمى يوسف إبراهيم الخطيب<\/dd>/);
      assert.match(page.html, /January 2, 1990/);
      const { rows } = await db().query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [person.id]);
      assert.match(page.html, new RegExp(`<bdi dir="ltr" class="number">${rows[0]!.eid}</bdi>`));
      assert.match(page.html, /visit a post office or an interior-ministry office with your identity document/);
      assert.equal(page.headers.get('cache-control'), 'no-store');

      const grants = await db().query(`SELECT 1 FROM oidc_model WHERE model = 'Grant' AND payload ->> 'clientId' = 'hawiya-account' AND payload ->> 'accountId' = $1`, [person.id]);
      assert.equal(grants.rows.length, 1);
      const client = await hawiya.hawiya.services.clients.find('hawiya-account');
      assert.equal(client?.token_endpoint_auth_method, 'none');
      assert.equal(client?.hawiya_first_party, true);
    });

    it('says so, in words, when the person cancels the sign-in', async () => {
      const agent = new UserAgent();
      const login = await agent.navigate(url('/account'));
      const page = await submit(agent, login, '/abort');
      assert.equal(page.status, 200);
      assert.match(page.url, /\/account\/callback\?error=access_denied/);
      assert.match(page.html, /You are not signed in/);
      const forged = await agent.request(url('/account/callback?code=x&state=forged'));
      assert.equal(forged.headers.get('location'), '/account', 'an unknown state lands on the account, nowhere else');
    });

    it('is right to left in Arabic, with the e-ID number isolated', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      agent.headers['accept-language'] = 'ar';
      const page = await open(agent, '/account', person);
      assert.match(page.html, /<html lang="ar" dir="rtl">/);
      assert.match(page.html, /بياناتك/);
      assert.match(page.html, /<bdi dir="ltr" class="number">\d+<\/bdi>/);
    });

    it('renders every page in ar, fr and en with no message key left untranslated', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      await open(agent, '/account', person);
      const paths = ['/account', '/account/security', '/account/security/authenticator', '/account/security/passkeys/new', '/account/security/recovery-codes', '/account/sessions', '/account/sessions/end-all', '/account/services', '/account/activity', '/account/language'];
      for (const locale of ['ar', 'fr', 'en']) {
        for (const path of paths) {
          const page = await agent.navigate(url(`${path}?lang=${locale}`));
          assert.equal(page.status, 200, `${locale} ${path}`);
          assert.match(page.html, new RegExp(`<html lang="${locale}" dir="${locale === 'ar' ? 'rtl' : 'ltr'}">`), `${locale} ${path}`);
          assert.doesNotMatch(text(page.html), /\b(account|consent|second|errors|fields|site)\.[a-zA-Z]/, `${locale} ${path} shows a message key`);
        }
      }
    });
  });

  describe('security', () => {
    it('sets up an authenticator app from the key shown on the page, and lists it', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const page = await open(agent, '/account/security/authenticator', person);
      assert.match(page.html, /<img class="qr" src="data:image\/svg\+xml;base64,/);
      const secret = /<code dir="ltr" class="secret" id="secret">([A-Z2-7 ]+)<\/code>/.exec(page.html)?.[1]?.replaceAll(' ', '');
      assert.ok(secret, 'the key is shown as text');

      const wrong = await submit(agent, page, '/account/security/authenticator', { code: '000000' === await totpCode(secret) ? '111111' : '000000' });
      assert.equal(wrong.status, 401);
      assert.match(wrong.html, /href="#code">Enter the 6-digit code shown now/);
      assert.ok(wrong.html.includes(/id="secret">([A-Z2-7 ]+)</.exec(page.html)![1]!), 'the same key is shown again');

      const done = await submit(agent, wrong, '/account/security/authenticator', { code: await totpCode(secret) });
      assert.equal(done.url, url('/account/security?done=totp-added'));
      assert.match(done.html, /Your authenticator app is set up/);
      assert.match(done.html, /href="\/account\/security\/authenticator\/remove"/);
      assert.match(done.html, /reach the substantial level/);
      const { rows } = await db().query('SELECT 1 FROM totp_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL', [person.id]);
      assert.equal(rows.length, 1);
      assert.ok((await auditActions(person.id)).includes('factor.totp.added'));

      // With a second factor set up, the next change needs two factors, freshly.
      const next = await agent.request(url('/account/security/passkeys/new'));
      assert.equal(next.status, 302);
      const reauth = new URL(next.headers.get('location')!);
      assert.equal(reauth.searchParams.get('prompt'), 'login');
      assert.equal(reauth.searchParams.get('acr_values'), ACR.substantial);
      clock.advance(30);
      const confirmed = await open(agent, '/account/security/passkeys/new', person, secret);
      assert.equal(confirmed.url, url('/account/security/passkeys/new'));
      assert.match(confirmed.html, /data-passkey-register/);
    });

    it('locks the authenticator set-up after repeated wrong codes, even for the right one', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      let page = await open(agent, '/account/security/authenticator', person);
      const secret = /id="secret">([A-Z2-7 ]+)</.exec(page.html)![1]!.replaceAll(' ', '');
      const right = await totpCode(secret);
      const wrong = right === '000000' ? '111111' : '000000';
      for (let attempt = 0; attempt < hawiya.hawiya.services.config.throttle.account.maxFailures; attempt++) {
        page = await submit(agent, page, '/account/security/authenticator', { code: wrong });
        assert.equal(page.status, 401);
      }
      const locked = await submit(agent, page, '/account/security/authenticator', { code: right });
      assert.equal(locked.status, 429);
      assert.match(locked.html, /Too many attempts/);
      assert.equal((await db().query('SELECT 1 FROM totp_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL', [person.id])).rows.length, 0);
    });

    it('makes ten recovery codes, shows them once, and counts them', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const confirm = await open(agent, '/account/security/recovery-codes', person);
      assert.match(confirm.html, /You will get 10 new codes/);
      const issued = await submit(agent, confirm, '/account/security/recovery-codes');
      assert.equal(issued.status, 200);
      const codes = [...issued.html.matchAll(/<code>([A-Z2-9]{5}-[A-Z2-9]{5})<\/code>/g)].map((match) => match[1]);
      assert.equal(codes.length, 10);
      assert.equal(new Set(codes).size, 10);
      const security = await agent.navigate(url('/account/security'));
      assert.match(security.html, /10 of your 10 recovery codes are unused/);
      assert.doesNotMatch(security.html, new RegExp(codes[0]!));
      const { rows } = await db().query('SELECT 1 FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL', [person.id]);
      assert.equal(rows.length, 10);
      assert.ok((await auditActions(person.id)).includes('factor.recovery_codes.issued'));
    });

    it('adds, renames and removes a passkey, saying what level remains', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const page = await open(agent, '/account/security/passkeys/new', person);
      assert.match(page.html, /Adding a passkey needs JavaScript/);
      const csrf = hiddenInput(page.html, 'csrf');
      const response = await agent.request(url('/account/security/passkeys/options'), { form: { csrf } });
      assert.equal(response.status, 200);
      const { challengeId, options } = await response.json() as { challengeId: string; options: { challenge: string; rp: { id?: string } } };
      const key = new SoftAuthenticator();
      const added = await agent.navigate(url('/account/security/passkeys/new'), { form: { csrf, challengeId, response: JSON.stringify(key.register(options, hawiya.url)), name: 'My phone' } });
      assert.equal(added.url, url('/account/security?done=passkey-added'));
      assert.match(added.html, /My phone/);
      assert.match(added.html, /Kept on one device only/);

      const { rows } = await db().query<{ id: string; name: string }>('SELECT id, name FROM passkeys WHERE account_id = $1', [person.id]);
      assert.equal(rows[0]?.name, 'My phone');
      // Now that the account has a second factor, changes need it: sign in again with the passkey.
      const reauth = await agent.navigate(url(`/account/security/passkeys/${rows[0]!.id}/rename`));
      const second = await submit(agent, reauth, '/login', { username: person.username, password: person.password });
      const base = formAction(second.html, '/passkey').replace(/\/passkey$/, '');
      const secondCsrf = hiddenInput(second.html, 'csrf');
      const assertionOptions = await (await agent.request(url(`${base}/passkey/options`), { form: { csrf: secondCsrf } })).json() as { challengeId: string; options: { challenge: string; rpId?: string } };
      const rename = await agent.navigate(url(`${base}/passkey`), { form: { csrf: secondCsrf, challengeId: assertionOptions.challengeId, response: JSON.stringify(key.authenticate(assertionOptions.options, hawiya.url)) } });
      assert.equal(rename.url, url(`/account/security/passkeys/${rows[0]!.id}/rename`));
      const empty = await submit(agent, rename, '/rename', { name: '  ' });
      assert.equal(empty.status, 400);
      assert.match(empty.html, /href="#name">Enter a name for the passkey/);
      const renamed = await submit(agent, rename, '/rename', { name: 'Work laptop' });
      assert.match(renamed.html, /Your passkey has been renamed/);
      assert.match(renamed.html, /Work laptop/);

      const remove = await agent.navigate(url(`/account/security/passkeys/${rows[0]!.id}/remove`));
      assert.match(remove.html, /Remove the passkey “Work laptop”/);
      assert.match(remove.html, /you will sign in with your password only/);
      assert.match(remove.html, /class="effect"/);
      const removed = await submit(agent, remove, '/remove');
      assert.match(removed.html, /Your passkey has been removed/);
      assert.equal((await db().query('SELECT 1 FROM passkeys WHERE account_id = $1', [person.id])).rows.length, 0);
      const actions = await auditActions(person.id);
      for (const action of ['factor.passkey.added', 'factor.passkey.renamed', 'factor.passkey.removed']) assert.ok(actions.includes(action), action);

      const other = await agent.navigate(url('/account/security/passkeys/00000000-0000-4000-8000-000000000000/rename'));
      assert.equal(other.status, 404);
    });

    it('asks for a fresh sign-in before a change when the last one is over five minutes old', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      await open(agent, '/account/security', person);
      clock.advance(6 * 60);
      const page = await agent.request(url('/account/security'));
      assert.equal(page.status, 200, 'reading needs no fresh sign-in');
      const post = await agent.request(url('/account/security/recovery-codes'), { form: { csrf: 'irrelevant' } });
      assert.equal(post.status, 303, 'a stale form is sent to sign in again, not applied');
      assert.equal((await db().query('SELECT 1 FROM recovery_codes WHERE account_id = $1', [person.id])).rows.length, 0);

      const stale = await agent.request(url('/account/security/authenticator'));
      assert.equal(stale.status, 302);
      const reauth = new URL(stale.headers.get('location')!);
      assert.equal(reauth.searchParams.get('client_id'), 'hawiya-account');
      assert.equal(reauth.searchParams.get('prompt'), 'login');
      assert.equal(reauth.searchParams.get('max_age'), '0');
      assert.equal(reauth.searchParams.get('acr_values'), null, 'password only: nothing more to ask');
      const login = await agent.navigate(reauth.toString());
      assert.match(login.html, /name="password"/);
      const back = await submit(agent, login, '/login', { username: person.username, password: person.password });
      assert.equal(back.url, url('/account/security/authenticator'));
      assert.match(back.html, /id="secret"/);
    });
  });

  describe('sessions and services', () => {
    it('stops sharing with a service: its refresh token stops working and introspection says inactive', async () => {
      await createPerson(hawiya);
      const config = await discover(hawiya.url, 'portal', SECRET);
      const { tokens } = await codeFlow(config, { scope: 'openid profile offline_access', prompt: 'consent' });
      assert.ok(tokens.refresh_token);
      const accountId = (await db().query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', [PERSON.username])).rows[0]!.id;

      const agent = new UserAgent();
      const page = await open(agent, '/account/services', PERSON);
      assert.match(page.html, /Ministry of Health portal/);
      assert.match(page.html, /your name and date of birth/);
      assert.doesNotMatch(page.html, /hawiya-account/);
      const revoked = await submit(agent, page, '/account/services/revoke', { client: 'portal' });
      assert.match(revoked.html, /can no longer see your details/);
      assert.doesNotMatch(revoked.html, /Ministry of Health portal/);

      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (err: { error?: string }) => err.error === 'invalid_grant');
      assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
      const left = await db().query(`SELECT 1 FROM oidc_model WHERE model = 'Grant' AND payload ->> 'clientId' = 'portal' AND payload ->> 'accountId' = $1`, [accountId]);
      assert.equal(left.rows.length, 0);
      assert.ok((await auditActions(accountId)).includes('grant.revoked'));
    });

    it('signs another session out, with the services used in it, then everywhere', async () => {
      const person = await newPerson();
      const config = await discover(hawiya.url, 'portal', SECRET);
      const phone = new UserAgent();
      const portal = await signInThrough(config, phone, { scope: 'openid profile offline_access', prompt: 'consent' }, person);
      const tokens = await oidc.authorizationCodeGrant(config, portal.callback, { pkceCodeVerifier: portal.verifier, expectedState: portal.state });
      const onPhone = await open(phone, '/account', person);
      assert.equal(onPhone.url, url('/account'), 'the portal\'s session is enough for the account pages');

      const laptop = new UserAgent();
      const sessions = await open(laptop, '/account/sessions', person);
      assert.equal(await sessionsOf(person.id), 2);
      const items = [...sessions.html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!).filter((item) => item.includes('name="session"'));
      assert.equal(items.length, 2);
      const other = items.find((item) => !item.includes('This device'))!;
      assert.match(other, /Services used: Ministry of Health portal/);
      const uid = /name="session" value="([^"]+)"/.exec(other)![1]!;
      const ended = await submit(laptop, sessions, '/account/sessions/end', { session: uid });
      assert.match(ended.html, /That session has been ended/);
      assert.equal(await sessionsOf(person.id), 1);

      const phoneAgain = await phone.request(url('/account'));
      assert.equal(phoneAgain.status, 302, 'the ended session no longer opens the account');
      assert.match(phoneAgain.headers.get('location')!, /\/auth\?client_id=hawiya-account/);
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (err: { error?: string }) => err.error === 'invalid_grant');

      const confirm = await laptop.navigate(url('/account/sessions/end-all'));
      assert.match(confirm.html, /every device, this one included/);
      const out = await submit(laptop, confirm, '/account/sessions/end-all');
      assert.match(out.html, /You are signed out/);
      assert.equal(await sessionsOf(person.id), 0);
      assert.equal((await laptop.request(url('/account'))).status, 302);
      const actions = await auditActions(person.id);
      assert.ok(actions.includes('session.ended') && actions.includes('session.ended_all'));
    });

    it('names the device of each session, and signs out everything on one device', async () => {
      const person = await newPerson();
      const config = await discover(hawiya.url, 'portal', SECRET);
      const phone = new UserAgent();
      phone.headers['user-agent'] = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36';
      const portal = await signInThrough(config, phone, { scope: 'openid profile offline_access', prompt: 'consent' }, person);
      const tokens = await oidc.authorizationCodeGrant(config, portal.callback, { pkceCodeVerifier: portal.verifier, expectedState: portal.state });
      const laptop = new UserAgent();
      laptop.headers['user-agent'] = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
      const page = await open(laptop, '/account/sessions', person);

      const [sessionsPart, devicesPart] = page.html.split('<h2>');
      const sessionItems = [...sessionsPart!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!).filter((item) => item.includes('name="session"'));
      assert.equal(sessionItems.length, 2);
      const onLaptop = sessionItems.find((item) => item.includes('Firefox on Windows'))!;
      const onPhone = sessionItems.find((item) => item.includes('Chrome on Android'))!;
      assert.match(onLaptop, /This device/);
      assert.doesNotMatch(onPhone, /This device/);
      assert.match(onPhone, /from network <bdi dir="ltr">127\.0\.0\.0\/24<\/bdi>/);
      assert.match(onPhone, /Services used: Ministry of Health portal/);

      const deviceItems = [...devicesPart!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]!);
      assert.equal(deviceItems.length, 2);
      const phoneDevice = deviceItems.find((item) => item.includes('Chrome on Android'))!;
      assert.match(phoneDevice, /Signed in now/);
      assert.match(phoneDevice, /Sign out on that device/);
      const device = /name="device" value="([0-9a-f]{64})"/.exec(phoneDevice)![1]!;
      // Another account's device, or a made-up one, ends nothing.
      assert.equal((await submit(laptop, page, '/account/sessions/end-device', { device: 'f'.repeat(64) })).status, 404);
      assert.equal(await sessionsOf(person.id), 2);

      const ended = await submit(laptop, page, '/account/sessions/end-device', { device });
      assert.match(ended.html, /You have been signed out on that device/);
      assert.equal(await sessionsOf(person.id), 1);
      assert.doesNotMatch(ended.html, /Chrome on Android[\s\S]*Signed in now/);
      assert.equal((await phone.request(url('/account'))).status, 302, 'the phone is signed out');
      assert.equal((await laptop.request(url('/account'))).status, 200, 'the laptop is not');
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (err: { error?: string }) => err.error === 'invalid_grant');
      assert.ok((await auditActions(person.id)).includes('session.ended_on_device'));
      const left = await db().query<{ user_agent: string }>('SELECT user_agent FROM session_devices WHERE account_id = $1', [person.id]);
      assert.deepEqual(left.rows.map((row) => row.user_agent), [laptop.headers['user-agent']]);
    });

    it('lists sign-ins in the activity history with time, network and device', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      agent.headers['user-agent'] = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36';
      const page = await open(agent, '/account/activity', person);
      assert.match(page.html, /Signed in/);
      assert.match(page.html, /network 127\.0\.0\.0\/24/);
      assert.match(page.html, /Chrome on Android/);
      assert.match(page.html, /<time datetime="\d{4}-\d{2}-\d{2}T/);
      assert.match(page.html, /Your record was created in the national register/);
    });
  });

  describe('language and forms', () => {
    it('keeps the chosen language on the account and in the cookie', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const page = await open(agent, '/account/language', person);
      const saved = await submit(agent, page, '/account/language', { locale: 'ar' });
      assert.match(saved.html, /<html lang="ar" dir="rtl">/);
      assert.match(saved.html, /تم حفظ لغتك/);
      assert.match(agent.cookieHeader(new URL(hawiya.url)), /hawiya_lang=ar/);
      const { rows } = await db().query<{ locale: string }>('SELECT locale FROM accounts WHERE id = $1', [person.id]);
      assert.equal(rows[0]?.locale, 'ar');
      assert.ok((await auditActions(person.id)).includes('account.locale_changed'));

      // Another device, with no language cookie yet, follows the account's choice.
      const other = new UserAgent();
      const there = await open(other, '/account', person);
      assert.match(there.html, /<html lang="ar" dir="rtl">/);
    });

    it('refuses a form without its CSRF token, or with another session\'s, changing nothing', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      await open(agent, '/account/language', person);
      const missing = await agent.request(url('/account/language'), { form: { locale: 'fr' } });
      assert.equal(missing.status, 403);
      assert.match(await missing.text(), /form has expired/);

      const stranger = new UserAgent();
      const theirs = await open(stranger, '/account/language', await newPerson());
      const borrowed = await agent.request(url('/account/language'), { form: { locale: 'fr', csrf: hiddenInput(theirs.html, 'csrf') } });
      assert.equal(borrowed.status, 403);
      const { rows } = await db().query<{ locale: string | null }>('SELECT locale FROM accounts WHERE id = $1', [person.id]);
      assert.equal(rows[0]?.locale, null);
    });
  });
});
