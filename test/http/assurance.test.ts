// Levels of assurance through the real openid-client: what each path of factors gives in
// acr and amr, step-up, levels that cannot be met, max_age and prompt=login, and the
// second factors' own refusals.
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, fictionalRecord, oidc, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../../src/authn/totp.ts';
import { registrationOptions, registerPasskey } from '../../src/authn/passkeys.ts';
import { issueRecoveryCodes } from '../../src/authn/recovery-codes.ts';
import { ACR } from '../../src/authn/assurance.ts';

const SECRET = 'assurance-client-secret-0123456789-abcdefghij';
let people = 0;

describe('levels of assurance', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let config: oidc.Configuration;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    await registerClient(hawiya, { client_id: 'rp', client_secret: SECRET, grant_types: ['authorization_code', 'refresh_token'] });
    config = await discover(hawiya.url, 'rp', SECRET);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const services = () => hawiya.hawiya.services;
  const passkeyDeps = () => {
    const issuer = new URL(hawiya.url);
    return { db: testDb.db, clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
  };

  async function newPerson(options: { totp?: boolean; passkey?: SoftAuthenticator; verifiedInPerson?: boolean; recovery?: boolean } = {}): Promise<{ username: string; password: string; id: string; secret?: string | undefined; codes: string[] }> {
    const person = { username: `person.${people++}`, password: 'a good long password' };
    const id = await createPerson(hawiya, person, fictionalRecord());
    let secret: string | undefined;
    if (options.totp) {
      secret = (await beginTotpEnrolment({ ...services() }, id, person.username)).secret;
      assert.ok(await confirmTotpEnrolment({ ...services() }, id, await totpCode(secret)));
      // The enrolment spent this time step; sign-ins use the next one.
      clock.advance(30);
    }
    if (options.passkey) {
      const { challengeId, options: creation } = await registrationOptions(passkeyDeps(), { id, username: person.username, displayName: 'Test' });
      await registerPasskey(passkeyDeps(), { accountId: id, challengeId, response: options.passkey!.register(creation, hawiya.url), name: 'test key' });
    }
    if (options.verifiedInPerson) await testDb.db.query('UPDATE accounts SET verified_in_person_at = now() WHERE id = $1', [id]);
    const codes = options.recovery ? await testDb.db.transaction((tx) => issueRecoveryCodes(tx, clock, id)) : [];
    return { ...person, id, secret, codes };
  }

  const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
  const credentials = (person: { username: string; password: string }) => ({ username: person.username, password: person.password });
  const totpCode = (secret: string) => generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });

  async function submit(agent: UserAgent, page: Page, ending: string, fields: Record<string, string>): Promise<Page> {
    return agent.navigate(new URL(formAction(page.html, ending), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } }, atCallback);
  }

  async function usePasskey(agent: UserAgent, page: Page, authenticator: SoftAuthenticator, overrides = {}): Promise<Page> {
    const base = new URL(page.url).pathname;
    const csrf = hiddenInput(page.html, 'csrf');
    const response = await agent.request(`${hawiya.url}${base}/passkey/options`, { form: { csrf } });
    const { challengeId, options } = await response.json() as { challengeId: string; options: { challenge: string; rpId?: string } };
    const assertion = authenticator.authenticate(options, hawiya.url, overrides);
    return agent.navigate(`${hawiya.url}${base}/passkey`, { form: { csrf, challengeId, response: JSON.stringify(assertion) } }, atCallback);
  }

  async function start(agent: UserAgent, params: Record<string, string> = {}) {
    const request = await authorizationRequest(config, params);
    return { request, page: await agent.navigate(request.url.toString(), {}, atCallback) };
  }

  async function redeem(request: { verifier: string; state: string }, page: Page) {
    assert.ok(atCallback(page.url), `expected the callback, got ${page.status}: ${page.html.slice(0, 300)}`);
    return oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: request.verifier, expectedState: request.state });
  }

  async function consentIfAsked(agent: UserAgent, page: Page): Promise<Page> {
    return page.html.includes('/confirm') ? submit(agent, page, '/confirm', {}) : page;
  }

  describe('acr and amr for each path', () => {
    it('a password gives low, pwd', async () => {
      const person = await newPerson();
      const agent = new UserAgent();
      const { request, page } = await start(agent);
      const done = await consentIfAsked(agent, await submit(agent, page, '/login', credentials(person)));
      const claims = (await redeem(request, done)).claims()!;
      assert.equal(claims.acr, ACR.low);
      assert.deepEqual(claims.amr, ['pwd']);
    });

    it('a password and an authenticator code give substantial, with mfa', async () => {
      const person = await newPerson({ totp: true });
      const agent = new UserAgent();
      const { request, page } = await start(agent, { acr_values: ACR.substantial });
      const second = await submit(agent, page, '/login', credentials(person));
      assert.match(second.html, /Step 2 of 2/);
      assert.match(second.html, /autocomplete="one-time-code"/);
      const done = await consentIfAsked(agent, await submit(agent, second, '/otp', { code: await totpCode(person.secret!) }));
      const claims = (await redeem(request, done)).claims()!;
      assert.equal(claims.acr, ACR.substantial);
      assert.deepEqual(claims.amr, ['otp', 'pwd', 'mfa']);
    });

    it('a password and a recovery code give substantial, and the code works once', async () => {
      const person = await newPerson({ recovery: true });
      const agent = new UserAgent();
      const { request, page } = await start(agent, { acr_values: ACR.substantial });
      const second = await submit(agent, page, '/login', credentials(person));
      assert.match(second.html, /Recovery code/);
      const done = await consentIfAsked(agent, await submit(agent, second, '/recovery', { code: person.codes[0]!.toLowerCase().replace('-', ' ') }));
      assert.equal((await redeem(request, done)).claims()!.acr, ACR.substantial);
      const again = new UserAgent();
      const retry = await start(again, { acr_values: ACR.substantial });
      const page2 = await submit(again, await submit(again, retry.page, '/login', credentials(person)), '/recovery', { code: person.codes[0]! });
      assert.equal(page2.status, 401);
      assert.match(page2.html, /not right, or it has been used/);
    });

    it('a synced passkey alone gives substantial (swk, user)', async () => {
      const key = new SoftAuthenticator({ backupEligible: true, backedUp: true });
      await newPerson({ passkey: key, verifiedInPerson: true });
      const agent = new UserAgent();
      const { request, page } = await start(agent, { acr_values: ACR.substantial });
      const done = await consentIfAsked(agent, await usePasskey(agent, page, key));
      const claims = (await redeem(request, done)).claims()!;
      assert.equal(claims.acr, ACR.substantial);
      assert.deepEqual(claims.amr, ['swk', 'user', 'mfa']);
    });

    it('a device-bound passkey on an account verified in person gives high (hwk, user)', async () => {
      const key = new SoftAuthenticator();
      await newPerson({ passkey: key, verifiedInPerson: true });
      const agent = new UserAgent();
      const { request, page } = await start(agent, { acr_values: ACR.high });
      const done = await consentIfAsked(agent, await usePasskey(agent, page, key));
      const claims = (await redeem(request, done)).claims()!;
      assert.equal(claims.acr, ACR.high);
      assert.deepEqual(claims.amr, ['hwk', 'user', 'mfa']);
    });

    it('the backed-up flag lowers the level: the same key, once synced, no longer gives high', async () => {
      const key = new SoftAuthenticator({ backupEligible: true, backedUp: false });
      await newPerson({ passkey: key, verifiedInPerson: true });
      key.flags.backedUp = true;
      const agent = new UserAgent();
      const { request, page } = await start(agent, { acr_values: `${ACR.high}` });
      const done = await consentIfAsked(agent, await usePasskey(agent, page, key));
      const callback = new URL(done.url);
      assert.equal(callback.searchParams.get('error'), 'unmet_authentication_requirements');
      void request;
    });
  });

  describe('step-up', () => {
    it('from low to high asks only for the missing passkey, then gives high', async () => {
      const key = new SoftAuthenticator();
      const person = await newPerson({ passkey: key, verifiedInPerson: true });
      const agent = new UserAgent();
      const low = await start(agent);
      await redeem(low.request, await consentIfAsked(agent, await submit(agent, low.page, '/login', credentials(person))));

      const high = await start(agent, { acr_values: ACR.high });
      assert.match(high.page.html, /A higher level of assurance is needed/);
      assert.doesNotMatch(high.page.html, /name="password"/, 'no password asked again');
      const claims = (await redeem(high.request, await consentIfAsked(agent, await usePasskey(agent, high.page, key)))).claims()!;
      assert.equal(claims.acr, ACR.high);
      assert.deepEqual(claims.amr, ['hwk', 'pwd', 'user', 'mfa']);

      // The session remembers: a later request for substantial needs nothing more.
      const again = await start(agent, { acr_values: ACR.substantial });
      assert.equal((await redeem(again.request, again.page)).claims()!.acr, ACR.high);
    });

    it('from low to substantial asks only for the authenticator code', async () => {
      const person = await newPerson({ totp: true });
      const agent = new UserAgent();
      const low = await start(agent);
      await redeem(low.request, await consentIfAsked(agent, await submit(agent, low.page, '/login', credentials(person))));
      const up = await start(agent, { acr_values: ACR.substantial });
      assert.match(up.page.html, /autocomplete="one-time-code"/);
      const claims = (await redeem(up.request, await submit(agent, up.page, '/otp', { code: await totpCode(person.secret!) }))).claims()!;
      assert.equal(claims.acr, ACR.substantial);
    });

    it('honours a client\'s minimum level without any acr_values', async () => {
      await registerClient(hawiya, { client_id: 'strict', client_secret: SECRET, hawiya_min_acr: ACR.substantial });
      const strict = await discover(hawiya.url, 'strict', SECRET);
      const person = await newPerson({ totp: true });
      const agent = new UserAgent();
      const request = await authorizationRequest(strict);
      const page = await agent.navigate(request.url.toString(), {}, atCallback);
      const second = await submit(agent, page, '/login', credentials(person));
      assert.match(second.html, /autocomplete="one-time-code"/);
    });
  });

  describe('the claims parameter', () => {
    it('asks for a level through an essential acr claim', async () => {
      const person = await newPerson({ totp: true });
      const agent = new UserAgent();
      const claims = JSON.stringify({ id_token: { acr: { essential: true, values: [ACR.substantial, ACR.high] } } });
      const { request, page } = await start(agent, { claims });
      const second = await submit(agent, page, '/login', credentials(person));
      assert.match(second.html, /autocomplete="one-time-code"/);
      const done = await consentIfAsked(agent, await submit(agent, second, '/otp', { code: await totpCode(person.secret!) }));
      assert.equal((await redeem(request, done)).claims()!.acr, ACR.substantial);
    });

    it('cannot ask for a claim beyond what the client is registered for', async () => {
      const agent = new UserAgent();
      const { page } = await start(agent, { claims: JSON.stringify({ userinfo: { national_id: null } }) });
      const callback = new URL(page.url);
      assert.equal(callback.searchParams.get('error'), 'invalid_request');
      assert.match(callback.searchParams.get('error_description') ?? '', /national_id/);
    });
  });

  describe('levels that cannot be met', () => {
    it('fails with unmet_authentication_requirements, never a lower level', async () => {
      const person = await newPerson({ totp: true });
      const agent = new UserAgent();
      const { page } = await start(agent, { acr_values: ACR.high });
      const result = await submit(agent, page, '/login', credentials(person));
      const callback = new URL(result.url);
      assert.ok(atCallback(result.url));
      assert.equal(callback.searchParams.get('error'), 'unmet_authentication_requirements');
      assert.equal(callback.searchParams.get('code'), null);
    });

    it('a device-bound passkey without in-person verification does not reach high', async () => {
      const key = new SoftAuthenticator();
      await newPerson({ passkey: key });
      const agent = new UserAgent();
      const { page } = await start(agent, { acr_values: ACR.high });
      const result = await usePasskey(agent, page, key);
      assert.equal(new URL(result.url).searchParams.get('error'), 'unmet_authentication_requirements');
    });
  });

  describe('max_age and prompt=login', () => {
    it('asks for the password again when the sign-in is older than max_age, and with prompt=login', async () => {
      // oidc-provider reads max_age against the system clock; sign-in times come from ours.
      clock.reset();
      const person = await newPerson();
      const agent = new UserAgent();
      const first = await start(agent);
      const firstClaims = (await redeem(first.request, await consentIfAsked(agent, await submit(agent, first.page, '/login', credentials(person))))).claims()!;

      const fresh = await start(agent, { max_age: '300' });
      assert.ok(atCallback(fresh.page.url), 'a recent sign-in is enough');
      await redeem(fresh.request, fresh.page);

      // The provider reads max_age against the real clock.
      await new Promise((resolve) => setTimeout(resolve, 2100));
      const stale = await start(agent, { max_age: '1' });
      assert.match(stale.page.html, /name="password"/);
      const later = (await redeem(stale.request, await submit(agent, stale.page, '/login', credentials(person)))).claims()!;
      assert.ok(Number(later.auth_time) >= Number(firstClaims.auth_time));

      const forced = await start(agent, { prompt: 'login' });
      assert.match(forced.page.html, /name="password"/);
    });
  });

  describe('second factors refuse bad input', () => {
    it('refuses a TOTP code replayed in its window, and a malformed one', async () => {
      const person = await newPerson({ totp: true });
      const code = await totpCode(person.secret!);
      const a = new UserAgent();
      const first = await start(a, { acr_values: ACR.substantial });
      await redeem(first.request, await consentIfAsked(a, await submit(a, await submit(a, first.page, '/login', credentials(person)), '/otp', { code })));
      const b = new UserAgent();
      const second = await start(b, { acr_values: ACR.substantial });
      const page = await submit(b, second.page, '/login', credentials(person));
      const replay = await submit(b, page, '/otp', { code });
      assert.equal(replay.status, 401);
      const malformed = await submit(b, replay, '/otp', { code: '12ab<script>' });
      assert.equal(malformed.status, 401);
      assert.match(malformed.html, /class="error-summary"/);
      const oversized = await b.request(new URL(formAction(malformed.html, '/otp'), hawiya.url).toString(), { form: { csrf: hiddenInput(malformed.html, 'csrf'), code: '1'.repeat(100) } });
      assert.equal(oversized.status, 400);
    });

    it('refuses forged passkey responses and stores nothing', async () => {
      const key = new SoftAuthenticator();
      await newPerson({ passkey: key });
      // One real use, so the stored counter is 1 and a counter of 1 again is a replay.
      const ok = new UserAgent();
      const okStart = await start(ok, { acr_values: ACR.substantial });
      await redeem(okStart.request, await consentIfAsked(ok, await usePasskey(ok, okStart.page, key)));
      const { rows: before } = await testDb.db.query<{ counter: string }>('SELECT counter FROM passkeys WHERE credential_id = $1', [Buffer.from(key.credentialId).toString('base64url')]);
      for (const [forgery, overrides] of [
        ['wrong challenge', { challenge: Buffer.from('not the challenge').toString('base64url') }],
        ['wrong origin', { origin: 'https://evil.example' }],
        ['wrong RP id', { rpId: 'evil.example' }],
        ['replayed counter', { counter: 1 }],
      ] as const) {
        const agent = new UserAgent();
        const { page } = await start(agent, { acr_values: ACR.substantial });
        const result = await usePasskey(agent, page, key, overrides);
        assert.equal(result.status, 401, forgery);
        assert.match(result.html, /passkey could not be used/, forgery);
      }
      const { rows: after } = await testDb.db.query<{ counter: string }>('SELECT counter FROM passkeys WHERE credential_id = $1', [Buffer.from(key.credentialId).toString('base64url')]);
      assert.equal(after[0]!.counter, before[0]!.counter, 'nothing stored from a failed ceremony');
    });
  });
});
