// Back-channel logout tokens as a relying party checks them (Back-Channel Logout 1.0
// §2.6), against self-made tokens: what the examples accept, and every way they refuse.
import assert from 'node:assert/strict';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { createLogoutTokenVerifier, LogoutTokenError } from '../../examples/shared/logout-token.ts';

const ISSUER = 'https://id.example';
const CLIENT = 'demo-portal';
const EVENTS = { 'http://schemas.openid.net/event/backchannel-logout': {} };

describe('back-channel logout tokens', () => {
  let key: CryptoKey;
  let other: CryptoKey;
  let verifier: ReturnType<typeof createLogoutTokenVerifier>;

  before(async () => {
    ({ privateKey: key } = await generateKeyPair('ES256', { extractable: true }));
    ({ privateKey: other } = await generateKeyPair('ES256'));
    const { d: _d, ...publicJwk } = await exportJWK(key);
    verifier = createLogoutTokenVerifier({ issuer: ISSUER, clientId: CLIENT, keys: createLocalJWKSet({ keys: [{ ...publicJwk, kid: 'k1', alg: 'ES256' }] }) });
  });

  const token = (claims: JWTPayload, options: { signWith?: CryptoKey; typ?: string; iat?: number; iss?: string; aud?: string } = {}) => new SignJWT({ events: EVENTS, sid: 'sid-1', jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: options.typ ?? 'logout+jwt' })
    .setIssuer(options.iss ?? ISSUER).setAudience(options.aud ?? CLIENT).setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(options.signWith ?? key);

  const refused = async (jwt: Promise<string>, reason: RegExp) => {
    await assert.rejects(async () => verifier.verify(await jwt), (err: unknown) => err instanceof LogoutTokenError && reason.test(err.message));
  };

  it('accepts a well-formed token once, naming the sid and sub', async () => {
    const jwt = await token({ sub: 'person-1' });
    const claims = await verifier.verify(jwt);
    assert.equal(claims.sid, 'sid-1');
    assert.equal(claims.sub, 'person-1');
    await assert.rejects(() => verifier.verify(jwt), /already used/);
  });

  it('refuses another signer, another audience, another issuer, and a stale token', async () => {
    await refused(token({}, { signWith: other }), /signature/);
    await refused(token({}, { aud: 'someone-else' }), /aud/);
    await refused(token({}, { iss: 'https://evil.example' }), /iss/);
    await refused(token({}, { iat: Math.floor(Date.now() / 1000) - 600 }), /timestamp|age|iat/);
  });

  it('refuses a token without the logout event, with a nonce, or naming no one', async () => {
    await refused(token({ events: { 'https://other/event': {} } }), /back-channel logout event/);
    await refused(token({ nonce: 'n' }), /nonce/);
    await refused(token({ sid: undefined }), /neither sub nor sid/);
  });

  it('refuses an ID token passed off as a logout token (typ)', async () => {
    await refused(token({}, { typ: 'JWT' }), /typ/);
  });
});
