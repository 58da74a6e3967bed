// Per-client protocol requirements, through openid-client: PAR, signed request objects
// (JAR), DPoP with server nonces, private_key_jwt, FAPI 2.0, encrypted ID tokens, and
// the negative cases an integrator meets when one of them is skipped or wrong.
import assert from 'node:assert/strict';
import { generateKeyPair } from 'jose';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, signInThrough, authorizationRequest, oidc, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent, signIn } from '../support/user-agent.ts';
import { PERSON } from '../support/relying-party.ts';
import {
  clientKey, jwksOf, createAgency, discoverWithKey, privateKeyJwtClient, dpopProof, clientAssertion, tokenRequest, oauthError, type ClientKey,
} from '../support/federation.ts';

const SECRET = 'a-long-enough-client-secret-for-federation-tests-0123456789';

async function callbackError(url: URL): Promise<URL> {
  const page = await new UserAgent().navigate(url.toString(), {}, (target) => target.startsWith(REDIRECT_URI));
  return new URL(page.url);
}

describe('federation: per-client protocol requirements', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let key: ClientKey;

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    await createAgency(hawiya, 'tax');
    key = await clientKey();
    await createPerson(hawiya);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  describe('pushed authorization requests (RFC 9126)', () => {
    it('refuses a front-channel request from a client that must push, and signs in through PAR', async () => {
      await registerClient(hawiya, { client_id: 'par-only', client_secret: SECRET, hawiya_agency: 'tax', require_pushed_authorization_requests: true });
      const config = await oidc.discovery(new URL(hawiya.url), 'par-only', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
      const skipped = await callbackError((await authorizationRequest(config)).url);
      assert.equal(skipped.searchParams.get('error'), 'invalid_request');
      assert.match(skipped.searchParams.get('error_description') ?? '', /Pushed Authorization Request must be used/);

      const verifier = oidc.randomPKCECodeVerifier();
      const pushed = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid profile', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's1',
      });
      assert.ok(pushed.searchParams.get('request_uri')?.startsWith('urn:ietf:params:oauth:request_uri:'));
      const callback = await signIn(new UserAgent(), pushed.toString(), PERSON, REDIRECT_URI);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's1' });
      assert.ok(tokens.id_token);
    });
  });

  describe('signed request objects (JAR, RFC 9101)', () => {
    it('refuses plain parameters from a client that must sign them, and accepts its signed request', async () => {
      await registerClient(hawiya, privateKeyJwtClient('jar-only', key, { hawiya_agency: 'tax', require_signed_request_object: true }));
      const config = await discoverWithKey(hawiya.url, 'jar-only', key);
      const plain = await callbackError((await authorizationRequest(config)).url);
      assert.equal(plain.searchParams.get('error'), 'invalid_request');
      assert.match(plain.searchParams.get('error_description') ?? '', /Request Object must be used/);

      const verifier = oidc.randomPKCECodeVerifier();
      const signed = await oidc.buildAuthorizationUrlWithJAR(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 's2',
      }, { key: key.privateKey, kid: key.kid });
      const callback = await signIn(new UserAgent(), signed.toString(), PERSON, REDIRECT_URI);
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 's2' });
      assert.ok(tokens.access_token);
    });

    it('refuses a request object signed with a key the client did not register', async () => {
      const config = await discoverWithKey(hawiya.url, 'jar-only', key);
      const stranger = await clientKey();
      const forged = await oidc.buildAuthorizationUrlWithJAR(config, { redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }, { key: stranger.privateKey, kid: key.kid });
      const answer = await callbackError(forged);
      assert.equal(answer.searchParams.get('error'), 'invalid_request_object');
    });
  });

  describe('private_key_jwt (RFC 7523)', () => {
    before(async () => {
      await registerClient(hawiya, privateKeyJwtClient('keyed', key, { hawiya_agency: 'tax' }));
    });

    it('authenticates a client by its signed assertion', async () => {
      const tokens = await oidc.clientCredentialsGrant(await discoverWithKey(hawiya.url, 'keyed', key));
      assert.ok(tokens.access_token);
    });

    it('refuses an assertion for another audience, an expired one, and a replayed one', async () => {
      const wrongAudience = await discoverWithKey(hawiya.url, 'keyed', key, { [oidc.modifyAssertion]: (_header, payload) => { payload.aud = 'https://someone-else.example'; } });
      assert.equal(await oauthError(oidc.clientCredentialsGrant(wrongAudience)), 'invalid_client');

      const past = Math.floor(Date.now() / 1000) - 3600;
      const expired = await clientAssertion('keyed', key, { aud: hawiya.url, iat: past - 60, exp: past });
      const body = { grant_type: 'client_credentials', client_id: 'keyed', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' };
      const refused = await tokenRequest(hawiya.url, { ...body, client_assertion: expired });
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, 'invalid_client');

      const fresh = await clientAssertion('keyed', key, { aud: hawiya.url });
      assert.equal((await tokenRequest(hawiya.url, { ...body, client_assertion: fresh })).status, 200);
      const replayed = await tokenRequest(hawiya.url, { ...body, client_assertion: fresh });
      assert.equal(replayed.body.error, 'invalid_client');
    });
  });

  describe('DPoP (RFC 9449) with server nonces', () => {
    let dpopKey: { privateKey: CryptoKey; publicKey: CryptoKey };
    const body = { grant_type: 'client_credentials' };
    const basic = { authorization: `Basic ${Buffer.from(`dpop-only:${SECRET}`).toString('base64')}` };

    before(async () => {
      await registerClient(hawiya, { client_id: 'dpop-only', client_secret: SECRET, hawiya_agency: 'tax', dpop_bound_access_tokens: true, grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
      dpopKey = await generateKeyPair('ES256', { extractable: true });
    });

    async function nonce(): Promise<string> {
      const first = await tokenRequest(hawiya.url, body, { ...basic, dpop: await dpopProof(dpopKey, { htm: 'POST', htu: `${hawiya.url}/token` }) });
      assert.equal(first.body.error, 'use_dpop_nonce');
      return first.headers.get('dpop-nonce')!;
    }

    it('binds tokens to the key through openid-client, which follows the nonce challenge', async () => {
      const config = await oidc.discovery(new URL(hawiya.url), 'dpop-only', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const { tokens } = { tokens: await oidc.clientCredentialsGrant(config, {}, { DPoP }) };
      assert.equal(tokens.token_type.toLowerCase(), 'dpop');
      const flow = await signInThrough(config, new UserAgent());
      const code = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state }, undefined, { DPoP });
      const userinfo = await oidc.fetchUserInfo(config, code.access_token, code.claims()!.sub, { DPoP });
      assert.equal(userinfo.sub, code.claims()!.sub);
    });

    it('refuses a client that must bind its tokens when it sends no proof', async () => {
      const refused = await tokenRequest(hawiya.url, body, basic);
      assert.equal(refused.status, 400);
      // oidc-provider answers invalid_grant, keeping the reason (a proof is required) in its logs.
      assert.equal(refused.body.error, 'invalid_grant');
    });

    it('refuses a proof for another method, another URL, or a replayed one', async () => {
      const current = await nonce();
      const wrongMethod = await tokenRequest(hawiya.url, body, { ...basic, dpop: await dpopProof(dpopKey, { htm: 'GET', htu: `${hawiya.url}/token`, nonce: current }) });
      assert.equal(wrongMethod.body.error, 'invalid_dpop_proof');
      assert.match(String(wrongMethod.body.error_description), /htm mismatch/);
      const wrongUrl = await tokenRequest(hawiya.url, body, { ...basic, dpop: await dpopProof(dpopKey, { htm: 'POST', htu: `${hawiya.url}/me`, nonce: current }) });
      assert.equal(wrongUrl.body.error, 'invalid_dpop_proof');
      assert.match(String(wrongUrl.body.error_description), /htu mismatch/);
      const proof = await dpopProof(dpopKey, { htm: 'POST', htu: `${hawiya.url}/token`, nonce: current });
      const first = await tokenRequest(hawiya.url, body, { ...basic, dpop: proof });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const replayed = await tokenRequest(hawiya.url, body, { ...basic, dpop: proof });
      assert.equal(replayed.status, 400);
      assert.equal(replayed.body.error, 'invalid_grant', 'the replay is refused');
    });
  });

  describe('FAPI 2.0 Security Profile, per client', () => {
    it('refuses a registration that would weaken it', async () => {
      await assert.rejects(registerClient(hawiya, { client_id: 'fapi-secret', client_secret: SECRET, hawiya_fapi: '2.0' }), /must use private_key_jwt/);
      await assert.rejects(registerClient(hawiya, privateKeyJwtClient('fapi-rs', key, { hawiya_fapi: '2.0', id_token_signed_response_alg: 'RS256' })), /must be ES256 or PS256/);
    });

    it('requires PAR and DPoP-bound tokens, then signs the person in', async () => {
      await registerClient(hawiya, privateKeyJwtClient('fapi', key, { hawiya_agency: 'tax', hawiya_fapi: '2.0' }));
      const config = await discoverWithKey(hawiya.url, 'fapi', key);
      const skipped = await callbackError((await authorizationRequest(config)).url);
      assert.equal(skipped.searchParams.get('error'), 'invalid_request');

      const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
      const verifier = oidc.randomPKCECodeVerifier();
      const pushed = await oidc.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: REDIRECT_URI, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'f',
      }, { DPoP });
      const callback = await signIn(new UserAgent(), pushed.toString(), PERSON, REDIRECT_URI);
      assert.equal(callback.searchParams.get('iss'), hawiya.url, 'iss in the authorization response (RFC 9207)');
      const unbound = await oauthError(oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'f' }));
      assert.equal(unbound, 'invalid_grant', 'a FAPI client\'s token request without a DPoP proof');
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'f' }, undefined, { DPoP });
      assert.equal(tokens.token_type.toLowerCase(), 'dpop');
    });
  });

  describe('token lifetimes per client', () => {
    it('shortens a client\'s tokens as registered, and never lengthens them', async () => {
      await registerClient(hawiya, { client_id: 'short', client_secret: SECRET, hawiya_agency: 'tax', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], hawiya_token_lifetimes: { access_token: 60 } });
      await registerClient(hawiya, { client_id: 'long', client_secret: SECRET, hawiya_agency: 'tax', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], hawiya_token_lifetimes: { access_token: 86400 } });
      const expiresIn = async (clientId: string) => (await oidc.clientCredentialsGrant(await oidc.discovery(new URL(hawiya.url), clientId, SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] }))).expires_in;
      assert.equal(await expiresIn('short'), 60);
      assert.equal(await expiresIn('long'), hawiya.hawiya.services.config.ttl.clientCredentials);
      await assert.rejects(registerClient(hawiya, { client_id: 'bad-ttl', client_secret: SECRET, hawiya_token_lifetimes: { access_token: -1 } }), /hawiya_token_lifetimes/);
    });
  });

  describe('prompt=none: a silent check for a Hawiya session', () => {
    it('answers with a code when the person is signed in, and login_required when not', async () => {
      await registerClient(hawiya, { client_id: 'silent', client_secret: SECRET, hawiya_agency: 'tax' });
      const config = await oidc.discovery(new URL(hawiya.url), 'silent', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
      const agent = new UserAgent();
      await signInThrough(config, agent);
      const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
      const silent = await authorizationRequest(config, { prompt: 'none' });
      const answered = new URL((await agent.navigate(silent.url.toString(), {}, atCallback)).url);
      assert.ok(answered.searchParams.get('code'), 'signed in: a code, no page');
      const tokens = await oidc.authorizationCodeGrant(config, answered, { pkceCodeVerifier: silent.verifier, expectedState: silent.state });
      assert.ok(tokens.id_token);
      const stranger = new URL((await new UserAgent().navigate((await authorizationRequest(config, { prompt: 'none' })).url.toString(), {}, atCallback)).url);
      assert.equal(stranger.searchParams.get('error'), 'login_required');
    });
  });

  describe('encrypted ID tokens (JWE), per client', () => {
    it('encrypts the ID token to the client\'s key; openid-client decrypts it', async () => {
      const encryption = await clientKey('ECDH-ES');
      await registerClient(hawiya, {
        client_id: 'jwe', client_secret: SECRET, hawiya_agency: 'tax', jwks: jwksOf(encryption),
        id_token_encrypted_response_alg: 'ECDH-ES', id_token_encrypted_response_enc: 'A256GCM',
      });
      const config = await oidc.discovery(new URL(hawiya.url), 'jwe', SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });
      oidc.enableDecryptingResponses(config, ['A256GCM'], { key: encryption.privateKey, kid: encryption.kid, alg: 'ECDH-ES' });
      const flow = await signInThrough(config, new UserAgent());
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      assert.equal(tokens.id_token!.split('.').length, 5, 'a JWE in compact form');
      assert.equal(tokens.claims()?.aud, 'jwe');
    });
  });
});
