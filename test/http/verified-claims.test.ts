// verified_claims (OIDC for Identity Assurance 1.0) as a relying party sees it through
// openid-client: asked for with the claims parameter, released to entitled clients only,
// carrying exactly the claims asked for and the newest in-person check as evidence.
// Offices, applications and evidence are written with SQL here: enrolment writes them.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, fictionalRecord, oidc, PERSON, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction } from '../support/user-agent.ts';
import { enterPerson } from '../../src/register/register.ts';

const SECRET = 'verified-claims-client-secret-0123456789abcdef';
const OFFICE = 'POST-WN-01';
const REQUESTED = { verification: { trust_framework: null }, claims: { given_name: null, family_name: null, birthdate: null } };
const claimsParameter = (request: unknown = REQUESTED) => JSON.stringify({ userinfo: { verified_claims: request }, id_token: { verified_claims: request } });

describe('verified_claims', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let personId: string;
  let applicationId: string;
  const db = () => testDb.db;

  async function application(person: string, reference: string, createdAt: string): Promise<string> {
    const id = randomUUID();
    await db().query(
      `INSERT INTO applications (id, reference, person_id, office_code, channel, state, submitted, locale, created_at, expires_at, decided_at)
       VALUES ($1, $2, $3, $4, 'assisted', 'activated', '{}', 'en', $5, $5::timestamptz + interval '30 days', $5)`,
      [id, reference, person, OFFICE, createdAt],
    );
    return id;
  }

  async function evidence(person: string, application: string, clerk: string, documentNumber: string, verifiedAt: string): Promise<void> {
    await db().query(
      `INSERT INTO identity_evidence (id, person_id, application_id, office_code, verified_by, document_type, document_number, issuer, expires_on, photo_matches, document_genuine, verified_at)
       VALUES ($1, $2, $3, $4, $5, 'idcard', $6, 'Ministry of Interior', '2034-05-31', true, true, $7)`,
      [randomUUID(), person, application, OFFICE, clerk, documentNumber, verifiedAt],
    );
  }

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    await registerClient(hawiya, { client_id: 'entitled', client_secret: SECRET, client_name: 'Land registry', scope: 'openid profile verified_claims' });
    await registerClient(hawiya, { client_id: 'plain', client_secret: SECRET, client_name: 'Library' });
    await registerClient(hawiya, { client_id: 'narrow', client_secret: SECRET, client_name: 'Tax office', scope: 'openid verified_claims' });
    personId = await createPerson(hawiya, PERSON, fictionalRecord());
    const clerk = await enterPerson(hawiya.hawiya.services, fictionalRecord(), { actor: 'test' });
    await db().query(`INSERT INTO offices (code, kind, name_ar, name_fr, name_en, region) VALUES ($1, 'post', 'مكتب بريد وادي النور', 'Bureau de poste de Wadi Nour', 'Wadi Nour post office', 'north')`, [OFFICE]);
    // An older check, then the newest one: only the newest goes out.
    await evidence(personId, await application(personId, 'WN-2029-0007', '2029-01-10T09:00:00Z'), clerk.id, 'OLD000001', '2029-01-10T09:30:00Z');
    applicationId = await application(personId, 'WN-2030-0042', '2030-02-01T08:00:00Z');
    await evidence(personId, applicationId, clerk.id, 'ID123456789', '2030-02-03T10:15:30.250Z');
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  const expected = () => ({
    verification: {
      trust_framework: 'hawiya_national',
      time: '2030-02-03T10:15:30Z',
      verification_process: 'WN-2030-0042',
      evidence: [{
        type: 'document',
        check_details: [{ check_method: 'pipp', organization: OFFICE, check_id: applicationId, time: '2030-02-03T10:15:30Z' }],
        document_details: { type: 'idcard', document_number: 'ID123456789', issuer: { name: 'Ministry of Interior' }, date_of_expiry: '2034-05-31' },
      }],
    },
    claims: { given_name: 'Salma', family_name: 'El Khatib', birthdate: '1990-01-02' },
  });

  // Signs in and consents by hand, so the consent page can be read; returns tokens and the page.
  async function flow(clientId: string, claims: string, person = PERSON) {
    const config = await discover(hawiya.url, clientId, SECRET);
    const request = await authorizationRequest(config, { scope: 'openid', claims });
    const agent = new UserAgent();
    const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
    let page = await agent.navigate(request.url.toString(), {}, atCallback);
    if (atCallback(page.url)) return { config, page };
    page = await agent.navigate(new URL(formAction(page.html, '/login'), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...person } }, atCallback);
    const consent = page.html;
    page = await agent.navigate(new URL(formAction(page.html, '/confirm'), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf') } }, atCallback);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url), { pkceCodeVerifier: request.verifier, expectedState: request.state });
    return { config, page, consent, tokens };
  }

  it('are announced in discovery', async () => {
    const metadata = await (await fetch(`${hawiya.url}/.well-known/openid-configuration`)).json() as Record<string, unknown>;
    assert.equal(metadata.verified_claims_supported, true);
    assert.deepEqual(metadata.trust_frameworks_supported, ['hawiya_national']);
    assert.deepEqual(metadata.evidence_supported, ['document']);
    assert.deepEqual(metadata.documents_supported, ['idcard', 'passport', 'residence_permit']);
    assert.deepEqual(metadata.documents_check_methods_supported, ['pipp']);
    assert.ok((metadata.claims_in_verified_claims_supported as string[]).includes('given_name'));
    assert.ok((metadata.claims_supported as string[]).includes('verified_claims'));
    assert.ok((metadata.scopes_supported as string[]).includes('verified_claims'));
  });

  it('go to an entitled client with exactly the requested claims and the newest evidence, audited', async () => {
    const { config, consent, tokens } = await flow('entitled', claimsParameter());
    assert.match(consent!, /checked in person/);
    const idToken = tokens!.claims()!;
    assert.deepEqual(idToken.verified_claims, expected());
    assert.equal(idToken.given_name, undefined, 'nothing outside verified_claims was asked for');
    const userinfo = await oidc.fetchUserInfo(config, tokens!.access_token, idToken.sub);
    assert.deepEqual(Object.keys(userinfo).sort(), ['sub', 'verified_claims']);
    assert.deepEqual(userinfo.verified_claims, expected());

    const { rows } = await db().query<{ actor: string; details: { use: string; claims: string[]; applicationId: string } }>(
      `SELECT actor, details FROM audit_log WHERE action = 'claims.verified_claims.released' AND subject = $1 ORDER BY seq`, [personId],
    );
    assert.deepEqual(rows.map((row) => [row.actor, row.details.use]), [['client:entitled', 'id_token'], ['client:entitled', 'userinfo']]);
    assert.deepEqual([...rows[0]!.details.claims].sort(), ['birthdate', 'family_name', 'given_name']);
    assert.equal(rows[0]!.details.applicationId, applicationId);
  });

  it('carry only the claims asked for, in the container that asked', async () => {
    const request = { verification: { trust_framework: null }, claims: { birthdate: null } };
    const { config, tokens } = await flow('entitled', JSON.stringify({ userinfo: { verified_claims: request } }));
    assert.equal(tokens!.claims()!.verified_claims, undefined);
    const userinfo = await oidc.fetchUserInfo(config, tokens!.access_token, tokens!.claims()!.sub);
    assert.deepEqual((userinfo.verified_claims as { claims: unknown }).claims, { birthdate: '1990-01-02' });
  });

  it('are refused with invalid_request to a client not entitled to them, or asking beyond its scopes', async () => {
    for (const [clientId, named] of [['plain', /verified_claims/], ['narrow', /verified_claims\.claims\.given_name/]] as const) {
      const { page } = await flow(clientId, claimsParameter());
      const callback = new URL(page.url);
      assert.equal(callback.searchParams.get('error'), 'invalid_request', clientId);
      assert.match(callback.searchParams.get('error_description') ?? '', named);
    }
    const empty = await flow('entitled', JSON.stringify({ userinfo: { verified_claims: { verification: { trust_framework: null }, claims: {} } } }));
    assert.equal(new URL(empty.page.url).searchParams.get('error'), 'invalid_request');
  });

  it('are absent, without an error, for a person with no evidence or a trust framework we do not use', async () => {
    const other = { username: 'never.verified', password: 'another long password here' };
    await createPerson(hawiya, other, fictionalRecord());
    const { config, tokens } = await flow('entitled', claimsParameter(), other);
    assert.equal(tokens!.claims()!.verified_claims, undefined);
    assert.equal((await oidc.fetchUserInfo(config, tokens!.access_token, tokens!.claims()!.sub)).verified_claims, undefined);

    const elsewhere = await flow('entitled', claimsParameter({ ...REQUESTED, verification: { trust_framework: { value: 'eidas' } } }));
    assert.equal(elsewhere.tokens!.claims()!.verified_claims, undefined);
  });
});
