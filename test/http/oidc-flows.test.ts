// The provider's flows through the real openid-client against a real server.
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, codeFlow, signInThrough, authorizationRequest, oidc, REDIRECT_URI, POST_LOGOUT_URI, PERSON } from '../support/relying-party.ts';
import { UserAgent, hiddenInput } from '../support/user-agent.ts';
import { oauthError } from '../support/federation.ts';

const SECRET = 'a-long-enough-client-secret-for-tests-0123456789';

describe('OIDC flows (openid-client as the relying party)', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    await registerClient(hawiya, { client_id: 'web', client_secret: SECRET, client_name: 'Test agency portal', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
    await registerClient(hawiya, { client_id: 'app', token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: ['http://127.0.0.1/callback'] });
    await createPerson(hawiya);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  describe('discovery and JWKS', () => {
    it('publishes the issuer, the endpoints and S256 only', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const metadata = config.serverMetadata();
      assert.equal(metadata.issuer, hawiya.url);
      assert.equal(metadata.token_endpoint, `${hawiya.url}/token`);
      assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(metadata.response_types_supported, ['code']);
      assert.ok(metadata.acr_values_supported?.includes('http://eidas.europa.eu/LoA/substantial'));
    });

    it('serves public keys for ES256, RS256, PS256 and EdDSA, and nothing private', async () => {
      const { keys } = await (await fetch(`${hawiya.url}/jwks`)).json() as { keys: Array<Record<string, unknown>> };
      assert.deepEqual(new Set(keys.map((key) => key.alg)), new Set(['ES256', 'RS256', 'PS256', 'EdDSA']));
      for (const key of keys) {
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined, `${String(key.kid)} leaks ${secret}`);
      }
    });
  });

  describe('authorization code with PKCE', () => {
    it('signs a person in and returns a signed ID token, an access token and userinfo', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const { tokens } = await codeFlow(config);
      const claims = tokens.claims();
      assert.ok(claims);
      assert.equal(claims.iss, hawiya.url);
      assert.equal(claims.aud, 'web');
      assert.equal(claims.acr, 'http://eidas.europa.eu/LoA/low');
      assert.deepEqual(claims.amr, ['pwd']);
      assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'ES256');
      const verified = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(`${hawiya.url}/jwks`)), { issuer: hawiya.url, audience: 'web' });
      assert.equal(verified.payload.sub, claims.sub);
      const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(userinfo.name, 'Salma El Khatib');
      assert.equal(userinfo.birthdate, '1990-01-02');
    });

    it('signs the ID token with the algorithm a client registered', async () => {
      await registerClient(hawiya, { client_id: 'web-rs', client_secret: SECRET, id_token_signed_response_alg: 'PS256' });
      const config = await discover(hawiya.url, 'web-rs', SECRET);
      const { tokens } = await codeFlow(config);
      assert.equal(decodeProtectedHeader(tokens.id_token!).alg, 'PS256');
    });

    it('lets a public client through with S256 and refuses it without PKCE or with plain', async () => {
      const config = await discover(hawiya.url, 'app');
      const agent = new UserAgent();
      const withoutPkce = new URL(`${hawiya.url}/auth`);
      withoutPkce.search = new URLSearchParams({ client_id: 'app', response_type: 'code', scope: 'openid', redirect_uri: 'http://127.0.0.1/callback', state: 's' }).toString();
      let page = await agent.navigate(withoutPkce.toString(), {}, (url) => url.startsWith('http://127.0.0.1/callback'));
      assert.equal(new URL(page.url).searchParams.get('error'), 'invalid_request');
      const plain = new URL(withoutPkce);
      plain.searchParams.set('code_challenge', 'a'.repeat(43));
      plain.searchParams.set('code_challenge_method', 'plain');
      page = await agent.navigate(plain.toString(), {}, (url) => url.startsWith('http://127.0.0.1/callback'));
      assert.equal(new URL(page.url).searchParams.get('error'), 'invalid_request');
      const request = await authorizationRequest(config, { redirect_uri: 'http://127.0.0.1/callback' });
      const { signIn } = await import('../support/user-agent.ts');
      const callback = await signIn(agent, request.url.toString(), PERSON, 'http://127.0.0.1/callback');
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state });
      assert.ok(tokens.access_token);
    });
  });

  describe('refresh-token rotation', () => {
    it('rotates on every use, and reuse of a rotated token revokes the grant', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const { tokens } = await codeFlow(config, { scope: 'openid profile offline_access', prompt: 'consent' });
      const first = tokens.refresh_token;
      assert.ok(first, 'a refresh token was issued');
      assert.equal(tokens.claims()?.acr, 'http://eidas.europa.eu/LoA/low');
      assert.deepEqual(tokens.claims()?.amr, ['pwd']);
      const second = await oidc.refreshTokenGrant(config, first);
      assert.ok(second.refresh_token);
      assert.notEqual(second.refresh_token, first);
      assert.equal(await oauthError(oidc.refreshTokenGrant(config, first)), 'invalid_grant');
      // The reuse revoked the whole grant: the rotated token no longer works either.
      assert.equal(await oauthError(oidc.refreshTokenGrant(config, second.refresh_token!)), 'invalid_grant');
      const introspection = await oidc.tokenIntrospection(config, second.access_token);
      assert.equal(introspection.active, false);
    });
  });

  describe('client credentials', () => {
    it('issues a token to an authenticated client and counts the grant type', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const tokens = await oidc.clientCredentialsGrant(config);
      assert.ok(tokens.access_token);
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      const metrics = await (await fetch(`${hawiya.url}/metrics`)).text();
      assert.match(metrics, /hawiya_token_requests_total\{grant_type="client_credentials",outcome="success"\} [1-9]/);
      assert.match(metrics, /hawiya_http_request_duration_seconds_count\{method="POST",route="oidc:token"\} [1-9]/);
    });
  });

  describe('RP-initiated logout', () => {
    it('ends the session after the person confirms, and the next request asks to sign in again', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const agent = new UserAgent();
      const flow = await signInThrough(config, agent);
      const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye' });
      const page = await agent.navigate(logoutUrl.toString());
      assert.equal(page.status, 200);
      assert.match(page.html, /op\.logoutForm/);
      assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' http:\/\/127\.0\.0\.1:9/);
      const action = /action="([^"]+)"/.exec(page.html.slice(page.html.indexOf('op.logoutForm') - 200))?.[1];
      assert.ok(action);
      const done = await agent.navigate(new URL(action, hawiya.url).toString(), { form: { xsrf: hiddenInput(page.html, 'xsrf'), logout: 'yes' } }, (url) => url.startsWith(POST_LOGOUT_URI));
      assert.equal(new URL(done.url).searchParams.get('state'), 'bye');
      const again = await authorizationRequest(config);
      const next = await agent.navigate(again.url.toString(), {}, (url) => url.startsWith(REDIRECT_URI));
      assert.match(next.url, /\/interaction\//, 'the person is asked to sign in again');
      assert.match(next.html, /name="password"/);
    });
  });

  describe('errors carry the exact OAuth error', () => {
    it('refuses a redirect_uri that is not registered, without redirecting', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const request = await authorizationRequest(config, { redirect_uri: 'https://attacker.example/callback' });
      const page = await new UserAgent().navigate(request.url.toString());
      assert.equal(page.status, 400);
      assert.match(page.html, /invalid_redirect_uri/);
    });

    it('refuses a replayed code with invalid_grant', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const flow = await signInThrough(config);
      await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
      assert.equal(await oauthError(oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state })), 'invalid_grant');
    });

    it('refuses a wrong PKCE verifier with invalid_grant', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const flow = await signInThrough(config);
      assert.equal(await oauthError(oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: flow.state })), 'invalid_grant');
    });

    it('refuses an expired code with invalid_grant', async () => {
      const config = await discover(hawiya.url, 'web', SECRET);
      const flow = await signInThrough(config);
      clock.advance(hawiya.hawiya.services.config.ttl.authorizationCode + 5);
      assert.equal(await oauthError(oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state })), 'invalid_grant');
    });

    it('refuses an unknown client and a wrong secret with invalid_client', async () => {
      const unknown = await discover(hawiya.url, 'nobody', SECRET);
      assert.equal(await oauthError(oidc.clientCredentialsGrant(unknown)), 'invalid_client');
      const wrong = await discover(hawiya.url, 'web', 'not-the-secret');
      assert.equal(await oauthError(oidc.clientCredentialsGrant(wrong)), 'invalid_client');
    });
  });
});
