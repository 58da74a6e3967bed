// The register seen from outside: claims released to relying parties, and the civil
// registry's events arriving over HTTP.
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair } from 'jose';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, codeFlow, fictionalRecord, oidc, PERSON } from '../support/relying-party.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';

const SECRET = 'register-events-client-secret-0123456789-abcd';

describe('the register over HTTP', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let registryToken: string;

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    // The civil registry authenticates with its own key (private_key_jwt).
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'registry-1', alg: 'ES256', use: 'sig' };
    await registerClient(hawiya, {
      client_id: 'civil-registry', redirect_uris: [], grant_types: ['client_credentials'], response_types: [],
      token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [jwk] }, hawiya_roles: ['civil_registry'],
    });
    const registry = await oidc.discovery(new URL(hawiya.url), 'civil-registry', { token_endpoint_auth_signing_alg: 'ES256' }, oidc.PrivateKeyJwt({ key: privateKey, kid: 'registry-1' }), { execute: [oidc.allowInsecureRequests] });
    registryToken = (await oidc.clientCredentialsGrant(registry)).access_token;
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const postEvents = (body: unknown, token = registryToken) => fetch(`${hawiya.url}/registry/events`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
  });

  describe('claims', () => {
    it('releases names in the person\'s script with the other script tagged, and gender', async () => {
      await createPerson(hawiya, { username: 'arabic.reader', password: 'a long arabic password' }, fictionalRecord({ locale: 'ar' }));
      await registerClient(hawiya, { client_id: 'claims-rp', client_secret: SECRET });
      const config = await discover(hawiya.url, 'claims-rp', SECRET);
      const flow = await import('../support/relying-party.ts');
      const signedIn = await flow.signInThrough(config, undefined, { scope: 'openid profile gender' }, { username: 'arabic.reader', password: 'a long arabic password' });
      const tokens = await oidc.authorizationCodeGrant(config, signedIn.callback, { pkceCodeVerifier: signedIn.verifier, expectedState: signedIn.state });
      const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.name, 'سلمى الخطيب');
      assert.equal(info['name#en'], 'Salma El Khatib');
      assert.equal(info['name#ar'], 'سلمى الخطيب');
      assert.equal(info.middle_name, 'يوسف إبراهيم');
      assert.equal(info.gender, 'female');
      assert.equal(info.birthdate, '1990-01-02');
      assert.equal(info.national_id, undefined);
      assert.equal(info.preferred_username, undefined, 'the username may be the e-ID number: never released');
    });

    it('gives a stable pairwise sub per sector, different across sectors', async () => {
      await createPerson(hawiya);
      await registerClient(hawiya, { client_id: 'sector-a1', client_secret: SECRET, redirect_uris: ['http://127.0.0.1:9/callback'] });
      await registerClient(hawiya, { client_id: 'sector-a2', client_secret: SECRET, redirect_uris: ['http://127.0.0.1:9/callback'] });
      await registerClient(hawiya, { client_id: 'sector-b', client_secret: SECRET, redirect_uris: ['http://localhost:9/callback'] });
      await registerClient(hawiya, { client_id: 'first-party', client_secret: SECRET, subject_type: 'public' });
      const sub = async (clientId: string, redirect = 'http://127.0.0.1:9/callback') =>
        (await codeFlow(await discover(hawiya.url, clientId, SECRET), { redirect_uri: redirect })).tokens.claims()!.sub;
      const a1 = await sub('sector-a1');
      assert.equal(await sub('sector-a1'), a1, 'stable');
      assert.equal(await sub('sector-a2'), a1, 'the same sector (host) sees the same sub');
      const b = await sub('sector-b', 'http://localhost:9/callback');
      assert.notEqual(b, a1, 'another sector sees another sub');
      const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', [PERSON.username]);
      assert.notEqual(a1, rows[0]!.id, 'never the internal id');
      assert.equal(await sub('first-party'), rows[0]!.id, 'a first-party client registered as public sees the internal id');
    });

    it('releases the e-ID number only to an entitled client, and audits each release', async () => {
      const personId = await createPerson(hawiya, { username: 'eid.holder', password: 'an entitled release test' });
      const { rows } = await testDb.db.query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [personId]);
      await registerClient(hawiya, { client_id: 'not-entitled', client_secret: SECRET });
      await registerClient(hawiya, { client_id: 'entitled', client_secret: SECRET, scope: 'openid profile national_id' });
      const { signInThrough } = await import('../support/relying-party.ts');
      const person = { username: 'eid.holder', password: 'an entitled release test' };

      // A client not registered with the scope is refused before anyone signs in.
      const refused = await discover(hawiya.url, 'not-entitled', SECRET);
      const attempt = await signInThrough(refused, undefined, { scope: 'openid national_id' }, person);
      assert.equal(attempt.callback.searchParams.get('error'), 'invalid_scope');

      const entitled = await discover(hawiya.url, 'entitled', SECRET);
      const flow = await signInThrough(entitled, undefined, { scope: 'openid national_id' }, person);
      const tokens = await oidc.authorizationCodeGrant(entitled, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      const info = await oidc.fetchUserInfo(entitled, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.national_id, rows[0]!.eid);
      const { rows: audit } = await testDb.db.query<{ actor: string }>(
        `SELECT actor FROM audit_log WHERE action = 'claims.national_id.released' AND subject = $1`, [personId],
      );
      assert.ok(audit.length >= 1);
      assert.ok(audit.every((row) => row.actor === 'client:entitled'));
    });
  });

  describe('registry events', () => {
    const record = fictionalRecord({ locale: 'en' });
    const event = (id: string, type: string, version: number, extra: Record<string, unknown> = {}) => ({
      id, type, civilNumber: record.civilNumber, version, occurredAt: '2026-11-20T10:00:00Z', ...extra,
    });

    it('refuses a caller without a registry token', async () => {
      assert.equal((await postEvents(event('e0', 'birth', 1, { record }), 'not-a-token')).status, 401);
      await registerClient(hawiya, { client_id: 'ordinary', client_secret: SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] });
      const ordinary = await discover(hawiya.url, 'ordinary', SECRET);
      const token = (await oidc.clientCredentialsGrant(ordinary)).access_token;
      const response = await postEvents(event('e0', 'birth', 1, { record }), token);
      assert.equal(response.status, 403);
    });

    it('refuses a registry client that would authenticate with a shared secret', async () => {
      await assert.rejects(registerClient(hawiya, { client_id: 'weak-registry', client_secret: SECRET, hawiya_roles: ['civil_registry'] }), /private_key_jwt/);
    });

    it('creates a person on a birth, once, with a valid e-ID', async () => {
      const first = await postEvents(event('birth-1', 'birth', 1, { record }));
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), { results: [{ id: 'birth-1', outcome: 'applied' }] });
      const again = await postEvents(event('birth-1', 'birth', 1, { record }));
      assert.deepEqual(await again.json(), { results: [{ id: 'birth-1', outcome: 'duplicate' }] });
      const { rows } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM persons WHERE civil_number = $1', [record.civilNumber]);
      assert.equal(Number(rows[0]!.n), 1);
    });

    it('applies events in version order: one ahead of its turn waits', async () => {
      const renamed = { ...record, names: { ...record.names, lat: { ...record.names.lat, family: 'Haddad' } } };
      const corrected = { ...renamed, birthplace: 'Ras El Ma' };
      const early = await postEvents(event('fix-3', 'correction', 3, { record: corrected }));
      assert.deepEqual(await early.json(), { results: [{ id: 'fix-3', outcome: 'pending' }] });
      const late = await postEvents([event('rename-2', 'name_change', 2, { record: renamed })]);
      assert.deepEqual(await late.json(), { results: [{ id: 'rename-2', outcome: 'applied' }] });
      const { rows } = await testDb.db.query<{ family_name_lat: string; birthplace: string; registry_version: number }>(
        'SELECT family_name_lat, birthplace, registry_version FROM persons WHERE civil_number = $1', [record.civilNumber],
      );
      assert.deepEqual(rows[0], { family_name_lat: 'Haddad', birthplace: 'Ras El Ma', registry_version: 3 });
      const stale = await postEvents(event('old-2', 'correction', 2, { record }));
      assert.deepEqual(await stale.json(), { results: [{ id: 'old-2', outcome: 'stale' }] });
    });

    it('shows a name change at the next sign-in', async () => {
      const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM persons WHERE civil_number = $1', [record.civilNumber]);
      const { setAccountPassword } = await import('../../src/authn/accounts.ts');
      const { services } = hawiya.hawiya;
      await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: rows[0]!.id, username: 'born.here', password: 'born in the register', actor: 'test' }));
      await registerClient(hawiya, { client_id: 'name-rp', client_secret: SECRET });
      const config = await discover(hawiya.url, 'name-rp', SECRET);
      const { signInThrough } = await import('../support/relying-party.ts');
      const flow = await signInThrough(config, undefined, {}, { username: 'born.here', password: 'born in the register' });
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.family_name, 'Haddad');
    });

    it('closes a person on death: sessions and tokens end, sign-in is refused', async () => {
      await registerClient(hawiya, { client_id: 'death-rp', client_secret: SECRET, grant_types: ['authorization_code', 'refresh_token'] });
      const config = await discover(hawiya.url, 'death-rp', SECRET);
      const { signInThrough } = await import('../support/relying-party.ts');
      const person = { username: 'born.here', password: 'born in the register' };
      const flow = await signInThrough(config, undefined, { scope: 'openid profile offline_access', prompt: 'consent' }, person);
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);

      const died = await postEvents(event('death-4', 'death', 4, { deathDate: '2026-11-19' }));
      assert.deepEqual(await died.json(), { results: [{ id: 'death-4', outcome: 'applied' }] });

      await assert.rejects(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub));
      await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!), (err: { error?: string }) => err.error === 'invalid_grant');
      await assert.rejects(signInThrough(config, undefined, {}, person), /did not reach the callback \(status 401\)/);
      const { rows } = await testDb.db.query<{ status: string; eid: string }>('SELECT status, eid FROM persons WHERE civil_number = $1', [record.civilNumber]);
      assert.equal(rows[0]!.status, 'deceased');
      const { rows: kept } = await testDb.db.query('SELECT 1 FROM eid_allocations WHERE eid = $1', [rows[0]!.eid]);
      assert.equal(kept.length, 1, 'the number stays allocated forever');
    });

    it('settles races: two births for one person, and one event sent twice at once', async () => {
      const twin = fictionalRecord();
      const birth = (id: string) => ({ id, type: 'birth', civilNumber: twin.civilNumber, version: 1, occurredAt: '2026-11-20T10:00:00Z', record: twin });
      const outcomes = await Promise.all([postEvents(birth('race-a')), postEvents(birth('race-b')), postEvents(birth('race-a'))]);
      assert.deepEqual(outcomes.map((response) => response.status), [200, 200, 200]);
      const results = (await Promise.all(outcomes.map((response) => response.json()))) as Array<{ results: Array<{ outcome: string }> }>;
      const seen = results.map((body) => body.results[0]!.outcome).sort();
      assert.equal(seen.filter((outcome) => outcome === 'applied').length, 1, seen.join(', '));
      assert.ok(seen.every((outcome) => ['applied', 'stale', 'duplicate'].includes(outcome)), seen.join(', '));
      const { rows } = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM persons WHERE civil_number = $1', [twin.civilNumber]);
      assert.equal(Number(rows[0]!.n), 1);
    });

    it('names the field of a bad event and changes nothing', async () => {
      const before = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM registry_events');
      const unknown = await postEvents(event('x-1', 'marriage', 5));
      assert.equal(unknown.status, 400);
      assert.match(((await unknown.json()) as { error_description: string }).error_description, /type: unknown event type/);
      const badCivil = await postEvents({ ...event('x-2', 'death', 5, { deathDate: '2026-11-19' }), civilNumber: '12345' });
      assert.match(((await badCivil.json()) as { error_description: string }).error_description, /civilNumber: must be 10 digits/);
      const badDate = await postEvents(event('x-3', 'birth', 1, { record: { ...fictionalRecord(), birthDate: '2001-02-30' } }));
      const description = ((await badDate.json()) as { error_description: string }).error_description;
      assert.match(description, /record\.(birthDate: is not a real date|civilNumber)/);
      const notJson = await fetch(`${hawiya.url}/registry/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${registryToken}` }, body: '{"id":' });
      assert.equal(notJson.status, 400);
      const after = await testDb.db.query<{ n: string }>('SELECT count(*) AS n FROM registry_events');
      assert.equal(after.rows[0]!.n, before.rows[0]!.n);
    });

    it('audited every change in an unbroken chain', async () => {
      const verdict = await verifyAuditChain(testDb.db);
      assert.equal(verdict.ok, true);
      const { rows } = await testDb.db.query<{ action: string }>(
        `SELECT action FROM audit_log WHERE subject = (SELECT id::text FROM persons WHERE civil_number = $1) ORDER BY seq`, [record.civilNumber],
      );
      assert.deepEqual(rows.map((row) => row.action).filter((action) => action.startsWith('person.')), ['person.created', 'person.name_change', 'person.correction', 'person.died']);
    });
  });
});
