// The sign-in pages as a person meets them: language, errors, CSRF, throttling.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, PERSON, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { createDummyHashes, createPasswordHasher, parametersOf } from '../../src/authn/passwords.ts';
import { passwordParametersInUse } from '../../src/authn/accounts.ts';
import { signInWithPassword } from '../../src/authn/sign-in.ts';

const SECRET = 'sign-in-pages-client-secret-0123456789-abcdef';

describe('sign-in pages', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let peer: RunningHawiya;

  before(async () => {
    testDb = await createTestDb();
    const kek = newKek();
    hawiya = await startHawiya({ db: testDb.db, kek });
    peer = await startHawiya({ db: testDb.reopen(), kek, issuer: hawiya.url });
    await registerClient(hawiya, { client_id: 'pages', client_secret: SECRET, client_name: 'Ministry of Health portal' });
  });

  after(async () => {
    await hawiya.close();
    await peer.close();
    await testDb.drop();
  });

  async function openLoginPage(agent = new UserAgent(), params: Record<string, string> = {}): Promise<{ agent: UserAgent; page: Page; action: string }> {
    const config = await discover(hawiya.url, 'pages', SECRET);
    const request = await authorizationRequest(config, params);
    const page = await agent.navigate(request.url.toString());
    assert.equal(page.status, 200);
    return { agent, page, action: new URL(formAction(page.html, '/login'), hawiya.url).toString() };
  }

  async function submit(agent: UserAgent, action: string, page: Page, fields: Record<string, string>, node = hawiya): Promise<Page> {
    const target = new URL(action);
    target.host = new URL(node.url).host;
    agent.cookies.set(target.host, agent.cookies.get(new URL(hawiya.url).host)!);
    return agent.navigate(target.toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } }, (url) => url.startsWith(REDIRECT_URI));
  }

  describe('language', () => {
    it('is Arabic, right to left, for an Arabic browser', async () => {
      const agent = new UserAgent();
      agent.headers['accept-language'] = 'ar-EG,ar;q=0.9,en;q=0.5';
      const { page } = await openLoginPage(agent);
      assert.match(page.html, /<html lang="ar" dir="rtl">/);
      assert.match(page.html, /تسجيل الدخول/);
      assert.match(page.html, /Ministry of Health portal/);
    });

    it('follows ui_locales over Accept-Language', async () => {
      const agent = new UserAgent();
      agent.headers['accept-language'] = 'en';
      const { page } = await openLoginPage(agent, { ui_locales: 'fr' });
      assert.match(page.html, /<html lang="fr" dir="ltr">/);
      assert.match(page.html, /Se connecter/);
    });

    it('remembers a language the person picked, in a cookie', async () => {
      const agent = new UserAgent();
      agent.headers['accept-language'] = 'ar';
      const { page } = await openLoginPage(agent);
      const english = /href="([^"]*lang=en)"/.exec(page.html)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(english);
      const switched = await agent.navigate(new URL(english, hawiya.url).toString());
      assert.match(switched.html, /<html lang="en" dir="ltr">/);
      assert.match(agent.cookieHeader(new URL(hawiya.url)), /hawiya_lang=en/);
    });

    it('labels every input and marks the username and password for autofill', async () => {
      const { page } = await openLoginPage();
      assert.match(page.html, /<label for="username">/);
      assert.match(page.html, /<label for="password">/);
      assert.match(page.html, /autocomplete="username webauthn"/);
      assert.match(page.html, /autocomplete="current-password"/);
      assert.match(page.html, /class="skip-link" href="#main"/);
    });
  });

  describe('security', () => {
    it('sends a strict CSP that lets the form reach the relying party, and no-store', async () => {
      const { page } = await openLoginPage();
      const csp = page.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:9/);
      assert.equal(page.headers.get('cache-control'), 'no-store');
      assert.equal(page.headers.get('x-frame-options'), 'DENY');
    });

    it('refuses a form without the CSRF token', async () => {
      const { agent, action } = await openLoginPage();
      const response = await agent.request(action, { form: { ...PERSON } });
      assert.equal(response.status, 403);
      assert.match(await response.text(), /form has expired/);
    });

    it('sets httpOnly, SameSite cookies for the interaction', async () => {
      const agent = new UserAgent();
      const config = await discover(hawiya.url, 'pages', SECRET);
      const request = await authorizationRequest(config);
      const response = await agent.request(request.url.toString());
      const cookies = response.headers.getSetCookie();
      assert.ok(cookies.length > 0);
      for (const cookie of cookies) {
        assert.match(cookie, /httponly/i);
        assert.match(cookie, /samesite=lax/i);
      }
    });
  });

  describe('errors', () => {
    it('names each empty field and keeps the username, never the password', async () => {
      const { agent, page, action } = await openLoginPage();
      const result = await submit(agent, action, page, { username: 'someone', password: '' });
      assert.equal(result.status, 400);
      assert.match(result.html, /class="error-summary"/);
      assert.match(result.html, /href="#password">Enter your password/);
      assert.match(result.html, /value="someone"/);
    });

    it('shows one message for an unknown user and a wrong password', async () => {
      await createPerson(hawiya);
      const unknown = await openLoginPage();
      const a = await submit(unknown.agent, unknown.action, unknown.page, { username: 'nobody.here', password: 'whatever-it-is' });
      const wrong = await openLoginPage();
      const b = await submit(wrong.agent, wrong.action, wrong.page, { username: PERSON.username, password: 'not the password' });
      assert.equal(a.status, 401);
      assert.equal(b.status, 401);
      const message = (html: string) => /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0];
      assert.equal(message(a.html), message(b.html));
    });

    it('refuses an oversized form and a body that is not a form', async () => {
      const { agent, action } = await openLoginPage();
      const big = await agent.request(action, { form: { username: 'x'.repeat(100_000), password: 'y' } });
      assert.equal(big.status, 413);
      const json = await agent.request(action, { method: 'POST', headers: { 'content-type': 'application/json' } });
      assert.equal(json.status, 415);
    });
  });

  describe('throttling', () => {
    it('locks an account after repeated failures on any node, with the same message, then lets it expire', async () => {
      const person = { username: 'locked.person', password: 'the right password 123' };
      await createPerson(hawiya, person);
      const { maxFailures } = hawiya.hawiya.services.config.throttle.account;
      for (let attempt = 0; attempt < maxFailures; attempt++) {
        const node = attempt % 2 === 0 ? hawiya : peer;
        const { agent, page, action } = await openLoginPage();
        const result = await submit(agent, action, page, { username: person.username, password: `wrong ${attempt}` }, node);
        assert.equal(result.status, 401);
      }
      const { agent, page, action } = await openLoginPage();
      const refused = await submit(agent, action, page, person, peer);
      assert.equal(refused.status, 401, 'the right password is refused during the lock');
      assert.match(refused.html, /sign-in is paused/);

      await testDb.db.query(`UPDATE throttle SET locked_until = now() - interval '1 second' WHERE key = $1`, [`signin:user:${person.username}`]);
      const later = await openLoginPage();
      const accepted = await submit(later.agent, later.action, later.page, person);
      assert.ok(accepted.url.startsWith(REDIRECT_URI) || accepted.html.includes('/confirm'), 'signed in once the lock expired');
    });
  });

  it('costs one hash of every parameter set in use for each refusal, so old hashes do not tell who exists', async () => {
    // After a change of parameters, accounts keep hashes of the old set until they sign in.
    const { services } = hawiya.hawiya;
    const older = { memoryCost: 8192, timeCost: 1, parallelism: 1 };
    const oldHash = await createPasswordHasher(older).hash('an old but good password');
    const person = { username: 'stale.hash', password: 'an old but good password' };
    const id = await createPerson(hawiya, person);
    await testDb.db.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [id, oldHash]);
    const current = { username: 'fresh.hash', password: 'a new and good password' };
    await createPerson(hawiya, current);
    const inUse = await passwordParametersInUse(testDb.db);
    assert.ok(inUse.includes('m=8192,p=1,t=1') && inUse.includes(parametersOf(await services.hasher.hash('x'))!));

    // The hasher, counting the parameter sets each attempt checks.
    let checked: string[] = [];
    const counting = { ...services.hasher, verify: (hash: string, password: string) => {
      checked.push(parametersOf(hash)!);
      return services.hasher.verify(hash, password);
    } };
    const deps = {
      accounts: services.accounts, hasher: counting, throttle: services.throttle, limits: services.config.throttle,
      dummyHashes: await createDummyHashes(services.hasher, inUse), onLocked: async () => {},
    };
    const attempt = async (username: string, password: string) => {
      checked = [];
      const outcome = await signInWithPassword(deps, { username, password, ip: '192.0.2.9' }).then(() => 'signed in', () => 'refused');
      return { outcome, checked: [...checked].sort() };
    };
    const everySet = [...inUse].sort();
    assert.equal(everySet.length, 2);
    assert.deepEqual(await attempt('nobody.here', 'a guess'), { outcome: 'refused', checked: everySet });
    assert.deepEqual(await attempt(person.username, 'a wrong guess'), { outcome: 'refused', checked: everySet });
    assert.deepEqual(await attempt(current.username, 'a wrong guess'), { outcome: 'refused', checked: everySet });
    // Signed in, nothing needs hiding: one check (and the old hash is upgraded).
    assert.deepEqual(await attempt(person.username, person.password), { outcome: 'signed in', checked: ['m=8192,p=1,t=1'] });
  });

  it('rehashes a password stored with weaker argon2 parameters on sign-in', async () => {
    const person = { username: 'old.hash', password: 'an old but good password' };
    const id = await createPerson(hawiya, person);
    const weak = createPasswordHasher({ memoryCost: 8192, timeCost: 1, parallelism: 1 });
    await testDb.db.query('UPDATE accounts SET password_hash = $2 WHERE id = $1', [id, await weak.hash(person.password)]);
    const { agent, page, action } = await openLoginPage();
    await submit(agent, action, page, person);
    const { rows } = await testDb.db.query<{ password_hash: string }>('SELECT password_hash FROM accounts WHERE id = $1', [id]);
    const hash = rows[0]!.password_hash;
    assert.match(hash, /^\$argon2id\$v=19\$/);
    assert.match(hash, /m=19456/);
    assert.match(hash, /t=2/);
  });
});
