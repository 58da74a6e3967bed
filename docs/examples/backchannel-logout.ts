// Your back-channel logout endpoint (OpenID Connect Back-Channel Logout 1.0): Hawiya POSTs
// `logout_token` (form-encoded) when a person's session ends, for whatever reason. Check
// the token, end your sessions for its sid (or for its sub, all of them), answer 200.
// Hawiya retries a failed delivery with a doubling delay, so the same token may come
// twice: ending a session twice must be harmless.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

export function logoutTokenVerifier(issuer: string, clientId: string) {
  const jwks = createRemoteJWKSet(new URL('/jwks', issuer));
  const seen = new Map<string, number>();
  return async (logoutToken: string): Promise<{ sub: string; sid: string | undefined }> => {
    // §2.6: signed by the issuer, for you, recent, typed logout+jwt.
    const { payload } = await jwtVerify<JWTPayload & { sid?: string; events?: Record<string, unknown>; nonce?: unknown }>(
      logoutToken, jwks, { issuer, audience: clientId, typ: 'logout+jwt', maxTokenAge: '2 minutes', requiredClaims: ['iat', 'jti', 'sub'] },
    );
    if (typeof payload.events?.[BACKCHANNEL_LOGOUT_EVENT] !== 'object') throw new Error('not a back-channel logout token');
    if (payload.nonce !== undefined) throw new Error('a logout token never carries a nonce');
    // §2.6 step 10: refuse a jti seen before (kept as long as a token can be valid).
    const now = Date.now();
    for (const [jti, until] of seen) if (until < now) seen.delete(jti);
    if (seen.has(payload.jti!)) throw new Error('this logout token was used before');
    seen.set(payload.jti!, now + 5 * 60_000);
    return { sub: payload.sub!, sid: payload.sid };
  };
}
