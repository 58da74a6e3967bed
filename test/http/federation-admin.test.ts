// Onboarding over HTTP: the admin API (client credentials with hawiya:admin), OpenID
// Dynamic Client Registration with an agency's initial access token, and the OpenAPI
// document that describes the API.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, oidc } from '../support/relying-party.ts';
import { clientKey, discoverWithKey, privateKeyJwtClient, createAgency } from '../support/federation.ts';

const SECRET = 'a-long-enough-client-secret-for-federation-tests-0123456789';
const TAX = { code: 'tax', names: { ar: 'مصلحة الضرائب', fr: 'Direction des impôts', en: 'Tax Authority' }, allowed_scopes: ['openid', 'profile'] };

describe('federation: the admin API, dynamic registration and the OpenAPI document', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let adminToken: string;

  // token '' sends none.
  const api = async (method: string, path: string, body?: unknown, token = adminToken) => {
    const response = await fetch(`${hawiya.url}/api/admin${path}`, {
      method,
      headers: { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: string; error_description?: string } };
  };

  const basic = (clientId: string, secret: string) => oidc.discovery(new URL(hawiya.url), clientId, secret, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    const key = await clientKey();
    await registerClient(hawiya, privateKeyJwtClient('operator', key, { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], hawiya_roles: ['admin'], scope: 'hawiya:admin' }));
    adminToken = (await oidc.clientCredentialsGrant(await discoverWithKey(hawiya.url, 'operator', key), { scope: 'hawiya:admin' })).access_token;
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  describe('who may call it', () => {
    it('refuses no token, a client without the admin role, and a token without the scope', async () => {
      assert.equal((await api('GET', '/agencies', undefined, '')).body.error, 'invalid_token');
      await createAgency(hawiya, 'someone');
      await registerClient(hawiya, { client_id: 'not-admin', client_secret: SECRET, grant_types: ['client_credentials'], response_types: [], redirect_uris: [] });
      const other = (await oidc.clientCredentialsGrant(await basic('not-admin', SECRET))).access_token;
      assert.deepEqual([(await api('GET', '/agencies', undefined, other)).status, (await api('GET', '/agencies', undefined, other)).body.error], [403, 'forbidden']);
      const key = await clientKey();
      await registerClient(hawiya, privateKeyJwtClient('operator-2', key, { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], hawiya_roles: ['admin'], scope: 'hawiya:admin' }));
      const unscoped = (await oidc.clientCredentialsGrant(await discoverWithKey(hawiya.url, 'operator-2', key))).access_token;
      assert.equal((await api('GET', '/agencies', undefined, unscoped)).body.error, 'insufficient_scope');
    });

    it('never lets a client hold the admin scope without the admin role, or the role with a shared secret', async () => {
      await assert.rejects(registerClient(hawiya, { client_id: 'sneaky', client_secret: SECRET, scope: 'openid hawiya:admin' }), /only a client with the admin role/);
      await assert.rejects(registerClient(hawiya, { client_id: 'weak-admin', client_secret: SECRET, hawiya_roles: ['admin'], scope: 'hawiya:admin' }), /must use private_key_jwt/);
    });
  });

  describe('agencies and clients', () => {
    it('adds and changes an agency, audited under the admin client', async () => {
      assert.equal((await api('POST', '/agencies', TAX)).status, 201);
      const again = await api('POST', '/agencies', TAX);
      assert.deepEqual([again.status, again.body.error], [409, 'conflict']);
      const bad = await api('POST', '/agencies', { ...TAX, code: 'x2', names: { ar: 'x', fr: 'x' } });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error_description!, /^names\.en: /);
      const changed = await api('PATCH', '/agencies/tax', { names: { ...TAX.names, en: 'Revenue Authority' } });
      assert.equal((changed.body.names as { en: string }).en, 'Revenue Authority');
      const { rows } = await testDb.db.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE subject = 'tax' ORDER BY seq`);
      assert.deepEqual(rows.map((row) => [row.action, row.actor]), [['agency.created', 'admin:operator'], ['agency.updated', 'admin:operator']]);
    });

    it('registers a client within its agency, shows its secret once, keeps it on replace, and issues a new one', async () => {
      const broken = await api('POST', '/clients', {
        client_id: 'tax-keys', hawiya_agency: 'tax', redirect_uris: ['https://tax.example/cb'], token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'not-a-point', y: 'not-a-point' }] },
      });
      assert.deepEqual([broken.status, broken.body.error_description], [400, 'jwks.keys[0]: is not a valid public key']);
      const greedy = await api('POST', '/clients', { client_id: 'tax-web', hawiya_agency: 'tax', redirect_uris: ['https://tax.example/cb'], scope: 'openid national_id' });
      assert.deepEqual([greedy.status, greedy.body.error], [400, 'invalid_client_metadata']);
      assert.match(greedy.body.error_description!, /national_id not allowed to agency tax/);
      const created = await api('POST', '/clients', { client_id: 'tax-web', hawiya_agency: 'tax', redirect_uris: ['https://tax.example/cb'], grant_types: ['authorization_code', 'client_credentials'] });
      assert.equal(created.status, 201);
      const secret = String(created.body.client_secret);
      assert.equal((await api('GET', '/clients/tax-web')).body.client_secret, undefined);
      assert.deepEqual(((await api('GET', '/agencies/tax')).body.clients), ['tax-web']);

      const replaced = await api('PUT', '/clients/tax-web', { hawiya_agency: 'tax', redirect_uris: ['https://tax.example/callback'], grant_types: ['authorization_code', 'client_credentials'] });
      assert.equal(replaced.status, 200);
      assert.ok((await oidc.clientCredentialsGrant(await basic('tax-web', secret))).access_token, 'the secret survived the replace');

      const rotated = await api('POST', '/clients/tax-web/secret');
      assert.notEqual(rotated.body.client_secret, secret);
      await assert.rejects(oidc.clientCredentialsGrant(await basic('tax-web', secret)));
      assert.ok((await oidc.clientCredentialsGrant(await basic('tax-web', String(rotated.body.client_secret)))).access_token);

      assert.equal((await api('DELETE', '/clients/tax-web')).status, 204);
      assert.equal((await api('GET', '/clients/tax-web')).status, 404);
    });

    it('lists resource servers and logout deliveries, refusing a bad filter', async () => {
      assert.equal((await api('POST', '/resource-servers', { identifier: 'https://api.tax.example/v1', agency: 'tax', scopes: ['returns:read'] })).status, 200);
      assert.equal((await api('POST', '/resource-servers', { identifier: 'http://api.tax.example/v1', agency: 'tax', scopes: ['returns:read'] })).status, 400);
      assert.deepEqual(((await api('GET', '/resource-servers?agency=tax')).body.resource_servers as Array<{ identifier: string }>).map((each) => each.identifier), ['https://api.tax.example/v1']);
      assert.deepEqual((await api('GET', '/logout-deliveries?status=pending')).body, { logout_deliveries: [] });
      assert.equal((await api('GET', '/logout-deliveries?status=lost')).status, 400);
    });
  });

  describe('dynamic client registration with an initial access token', () => {
    let initialAccessToken: string;
    const register = (metadata: Record<string, unknown>, token: string | undefined = initialAccessToken) =>
      oidc.dynamicClientRegistration(new URL(hawiya.url), metadata as Partial<oidc.ClientMetadata>, undefined, { ...(token ? { initialAccessToken: token } : {}), execute: [oidc.allowInsecureRequests] });

    before(async () => {
      const issued = await api('POST', '/agencies/tax/initial-access-tokens', { expires_in: 3600 });
      assert.equal(issued.status, 201);
      initialAccessToken = String(issued.body.token);
    });

    it('registers the agency\'s client, within its scopes, audited under the agency', async () => {
      const config = await register({ client_name: 'Tax returns', redirect_uris: ['https://returns.tax.example/cb'] });
      const { client_id: clientId, scope } = config.clientMetadata();
      assert.equal(scope, 'openid profile');
      const stored = await hawiya.hawiya.services.clients.find(clientId);
      assert.equal(stored?.hawiya_agency, 'tax');
      const { rows } = await testDb.db.query<{ actor: string }>(`SELECT actor FROM audit_log WHERE subject = $1`, [clientId]);
      assert.deepEqual(rows.map((row) => row.actor), ['registration:tax']);
      const native = await register({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb'] });
      assert.ok(native.clientMetadata().client_id);
    });

    it('refuses what the policy forbids, and registration without a usable token', async () => {
      const refused = async (metadata: Record<string, unknown>, token?: string) => {
        try {
          await register(metadata, token);
        } catch (err) {
          // A 401 carries its error in the WWW-Authenticate challenge.
          const { error, error_description: description, cause } = err as { error?: string; error_description?: string; cause?: unknown };
          const challenge = Array.isArray(cause) ? (cause[0] as { parameters?: { error?: string; error_description?: string } }).parameters : undefined;
          return `${error ?? challenge?.error}: ${description ?? challenge?.error_description ?? ''}`;
        }
        return 'registered';
      };
      // RFC 7591 §3.2.2: a refused redirect URI is invalid_redirect_uri.
      assert.match(await refused({ redirect_uris: ['http://returns.tax.example/cb'] }), /invalid_redirect_uri: redirect_uris\[0\] must be an https URI$/);
      assert.match(await refused({ redirect_uris: ['https://returns.tax.example/cb'], scope: 'openid national_id' }), /invalid_client_metadata: scope: national_id not allowed/);
      assert.match(await refused({ redirect_uris: ['https://returns.tax.example/cb'], hawiya_roles: ['civil_registry'] }), /hawiya_roles is set by an administrator only/);
      assert.match(await refused({ redirect_uris: ['https://returns.tax.example/cb'] }, 'not-a-token'), /^invalid_token/);
      // A key whose point is not on its curve would be stored and fail only at the client's
      // first signed request; it is refused at registration instead.
      const offCurve = { kty: 'EC', crv: 'P-256', x: Buffer.alloc(32, 1).toString('base64url'), y: Buffer.alloc(32, 2).toString('base64url') };
      const withKey = { redirect_uris: ['https://returns.tax.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [offCurve] } };
      assert.match(await refused(withKey), /invalid_client_metadata: jwks\.keys\[0\]: is not a valid public key/);
      const anonymous = await fetch(`${hawiya.url}/reg`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['https://returns.tax.example/cb'] }) });
      assert.equal(anonymous.status, 401, 'no initial access token, no registration');
      const [listed] = (await api('GET', '/agencies/tax/initial-access-tokens')).body.initial_access_tokens as Array<{ id: string; token?: string }>;
      assert.equal(listed!.token, undefined, 'the token itself is never shown again');
      assert.equal((await api('DELETE', `/initial-access-tokens/${listed!.id}`)).status, 204);
      assert.match(await refused({ redirect_uris: ['https://returns.tax.example/cb'] }), /^invalid_token/);
    });
  });

  it('describes the admin API in the OpenAPI document', async () => {
    const document = await (await fetch(`${hawiya.url}/api/openapi.json`)).json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown }>> };
    assert.equal(document.openapi, '3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).filter(([method]) => method !== 'parameters').map(([method, operation]) => ({ path, method, operation })));
    assert.ok(operations.some(({ path, method }) => path === '/api/admin/agencies' && method === 'post'));
    assert.ok(operations.every(({ operation }) => Array.isArray(operation.security)), 'every admin operation names its security');
  });
});
