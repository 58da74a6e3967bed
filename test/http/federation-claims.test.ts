// What an agency's client receives: only what it is entitled to (scopes, claims,
// authorization details types, its agency's APIs), a pairwise sub per sector, and JWT
// access tokens (RFC 9068) for its agency's APIs, carrying the approved payment.
import assert from 'node:assert/strict';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, codeFlow, authorizationRequest, oidc, REDIRECT_URI, PERSON } from '../support/relying-party.ts';
import { UserAgent, formAction, hiddenInput } from '../support/user-agent.ts';
import { createAgency } from '../support/federation.ts';
import { accessTokenVerifier } from '../../docs/examples/payment-api.ts';

const SECRET = 'a-long-enough-client-secret-for-federation-tests-0123456789';
const PAYMENTS_API = 'https://pay.example.gov/api';
const PAYMENT = {
  type: 'payment_initiation',
  amount: { currency: 'EUR', value: '125.50' },
  creditor: { name: 'Tax Authority' },
  agency: 'tax',
  reference: 'INV-2026-0042',
};

const discover = (issuer: string, clientId: string) => oidc.discovery(new URL(issuer), clientId, SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });

async function errorAtCallback(url: URL): Promise<URLSearchParams> {
  const page = await new UserAgent().navigate(url.toString(), {}, (target) => target.startsWith(REDIRECT_URI));
  return new URL(page.url).searchParams;
}

describe('federation: entitlements, pairwise sectors, rich authorization and JWT access tokens', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let personId: string;

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    await createAgency(hawiya, 'health', ['openid', 'profile', 'national_id']);
    await createAgency(hawiya, 'tax');
    await createAgency(hawiya, 'pay', ['openid', 'profile', 'agency_roles']);
    personId = await createPerson(hawiya);
    const client = (clientId: string, agency: string, extra: Record<string, unknown> = {}) => registerClient(hawiya, { client_id: clientId, client_secret: SECRET, hawiya_agency: agency, ...extra });
    await client('health-a', 'health', { scope: 'openid profile national_id' });
    await client('health-b', 'health', { redirect_uris: ['http://localhost:9/callback'], scope: 'openid profile' });
    await client('health-research', 'health', { hawiya_sector: 'research', scope: 'openid' });
    await client('tax-portal', 'tax', { scope: 'openid profile' });
    await client('pay-portal', 'pay', { scope: 'openid profile', authorization_details_types: ['payment_initiation'] });
    await client('pay-back-office', 'pay', { scope: 'openid profile agency_roles' });
    await hawiya.hawiya.services.resourceServers.save({ identifier: PAYMENTS_API, agency: 'pay', scopes: ['payments:initiate'] }, 'test');
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  describe('pairwise sub per sector', () => {
    it('is the same for clients of one agency, whatever their hosts, and differs across agencies and registered sectors', async () => {
      const subOf = async (clientId: string, params: Record<string, string> = {}) => (await codeFlow(await discover(hawiya.url, clientId), { scope: 'openid', ...params })).tokens.claims()!.sub;
      const a = await subOf('health-a');
      assert.equal(await subOf('health-a'), a, 'stable');
      assert.equal(await subOf('health-b', { redirect_uri: 'http://localhost:9/callback' }), a, 'one sector: the agency');
      assert.notEqual(await subOf('tax-portal'), a);
      assert.notEqual(await subOf('health-research'), a, 'a sector registered for the client');
    });
  });

  describe('entitlements', () => {
    it('releases national_id to an entitled client only', async () => {
      const entitled = await discover(hawiya.url, 'health-a');
      const { tokens } = await codeFlow(entitled, { scope: 'openid national_id' });
      const userinfo = await oidc.fetchUserInfo(entitled, tokens.access_token, tokens.claims()!.sub);
      assert.match(String(userinfo.national_id), /^\d{12}$/);
      const refused = await errorAtCallback((await authorizationRequest(await discover(hawiya.url, 'tax-portal'), { scope: 'openid national_id' })).url);
      assert.equal(refused.get('error'), 'invalid_scope');
    });

    it('releases the person\'s agency roles to a client registered with agency_roles only, each release audited', async () => {
      const { rows } = await testDb.db.query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [personId]);
      await hawiya.hawiya.services.agencyStaff.add({ agency: 'tax', eid: rows[0]!.eid, role: 'finance' }, 'test');
      const entitled = await discover(hawiya.url, 'pay-back-office');
      const { tokens } = await codeFlow(entitled, { scope: 'openid agency_roles' });
      const userinfo = await oidc.fetchUserInfo(entitled, tokens.access_token, tokens.claims()!.sub);
      assert.deepEqual(userinfo.agency_roles, ['finance:tax']);
      const { rows: audit } = await testDb.db.query<{ actor: string; details: { roles: string[]; use: string } }>(
        `SELECT actor, details FROM audit_log WHERE action = 'claims.agency_roles.released' AND subject = $1`, [personId],
      );
      assert.ok(audit.some((row) => row.details.use === 'userinfo'), 'the userinfo release is audited');
      assert.ok(audit.every((row) => row.actor === 'client:pay-back-office' && row.details.roles.join() === 'finance:tax'));

      const refused = await errorAtCallback((await authorizationRequest(await discover(hawiya.url, 'pay-portal'), { scope: 'openid agency_roles' })).url);
      assert.equal(refused.get('error'), 'invalid_scope');
      const claimsParameter = await errorAtCallback((await authorizationRequest(await discover(hawiya.url, 'pay-portal'), { claims: JSON.stringify({ id_token: { agency_roles: null } }) })).url);
      assert.equal(claimsParameter.get('error'), 'invalid_request');
      // Taken away, the role is gone at the next sign-in.
      assert.equal(await hawiya.hawiya.services.agencyStaff.remove({ agency: 'tax', eid: rows[0]!.eid, role: 'finance' }, 'test'), true);
      const again = await codeFlow(entitled, { scope: 'openid agency_roles' });
      assert.equal((await oidc.fetchUserInfo(entitled, again.tokens.access_token, again.tokens.claims()!.sub)).agency_roles, undefined);
    });

    it('refuses a claims parameter asking beyond the client\'s entitlement', async () => {
      const request = await authorizationRequest(await discover(hawiya.url, 'tax-portal'), { claims: JSON.stringify({ userinfo: { national_id: null } }) });
      const refused = await errorAtCallback(request.url);
      assert.equal(refused.get('error'), 'invalid_request');
      assert.match(refused.get('error_description') ?? '', /national_id not among what this client may receive/);
    });
  });

  describe('rich authorization requests (RFC 9396) and JWT access tokens (RFC 9068)', () => {
    it('shows the payment on the consent page, and puts only the approved payment in a JWT for the payments API', async () => {
      const config = await discover(hawiya.url, 'pay-portal');
      const request = await authorizationRequest(config, { scope: 'openid payments:initiate', resource: PAYMENTS_API, authorization_details: JSON.stringify([PAYMENT]) });
      const agent = new UserAgent();
      const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
      const login = await agent.navigate(request.url.toString(), {}, atCallback);
      const consent = await agent.navigate(new URL(formAction(login.html, '/login'), hawiya.url).toString(), { form: { csrf: hiddenInput(login.html, 'csrf'), ...PERSON } }, atCallback);
      assert.match(consent.html, /A payment/);
      assert.match(consent.html, /€125\.50/);
      assert.match(consent.html, /To: Tax Authority/);
      assert.match(consent.html, /INV-2026-0042/);
      const done = await agent.navigate(new URL(formAction(consent.html, '/confirm'), hawiya.url).toString(), { form: { csrf: hiddenInput(consent.html, 'csrf') } }, atCallback);
      const tokens = await oidc.authorizationCodeGrant(config, new URL(done.url), { pkceCodeVerifier: request.verifier, expectedState: request.state });
      assert.deepEqual(tokens.authorization_details, [PAYMENT]);

      assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${hawiya.url}/jwks`)), { issuer: hawiya.url, audience: PAYMENTS_API, typ: 'at+jwt' });
      assert.equal(payload.client_id, 'pay-portal');
      assert.equal(payload.scope, 'payments:initiate');
      assert.deepEqual(payload.authorization_details, [PAYMENT]);
      // The API's check, as docs/examples/payment-api.ts writes it.
      const verified = await accessTokenVerifier(hawiya.url, PAYMENTS_API)(tokens.access_token);
      assert.deepEqual(verified.payments, [PAYMENT]);
      // A JWT access token is validated by the API itself, against the JWKS; the
      // introspection endpoint answers only for opaque tokens.
      const introspection = await oidc.tokenIntrospection(config, tokens.access_token).then(() => 'answered', (err: { error?: string }) => err.error);
      assert.equal(introspection, 'unsupported_token_type');
    });

    it('refuses a type the client is not registered for, a detail that breaks its schema, and another agency\'s API', async () => {
      const config = await discover(hawiya.url, 'pay-portal');
      const signature = { type: 'credential', credentialID: 'c1', hashAlgorithmOID: '2.16.840.1.101.3.4.2.1', documentDigests: [{ label: 'Lease', hash: Buffer.alloc(32, 7).toString('base64') }] };
      const wrongType = await errorAtCallback((await authorizationRequest(config, { resource: PAYMENTS_API, authorization_details: JSON.stringify([signature]) })).url);
      assert.equal(wrongType.get('error'), 'invalid_authorization_details');
      assert.match(wrongType.get('error_description') ?? '', /not allowed for this client/);

      const float = { ...PAYMENT, amount: { currency: 'EUR', value: 125.5 } };
      const badSchema = await errorAtCallback((await authorizationRequest(config, { resource: PAYMENTS_API, authorization_details: JSON.stringify([float]) })).url);
      assert.equal(badSchema.get('error'), 'invalid_authorization_details');
      assert.match(badSchema.get('error_description') ?? '', /payment_initiation: amount\.value/);

      const extra = { ...PAYMENT, iban: 'XX00' };
      assert.equal((await errorAtCallback((await authorizationRequest(config, { resource: PAYMENTS_API, authorization_details: JSON.stringify([extra]) })).url)).get('error'), 'invalid_authorization_details');

      const taxConfig = await discover(hawiya.url, 'tax-portal');
      const otherAgency = await errorAtCallback((await authorizationRequest(taxConfig, { resource: PAYMENTS_API })).url);
      assert.equal(otherAgency.get('error'), 'invalid_target');
    });
  });
});
