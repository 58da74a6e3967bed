// OpenID Connect Back-Channel Logout 1.0 §2.6: what a relying party checks in a logout
// token before it ends anyone's session. Signed by the issuer (its JWKS), for us (aud),
// recent (iat), carrying the back-channel logout event, a sub or a sid, no nonce, and a
// jti not seen before.
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';

const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
// A logout token older than this is stale; ids are remembered this long against replay.
const MAX_AGE_SECONDS = 120;

export class LogoutTokenError extends Error {}

const claimsSchema = z.object({
  iss: z.string(),
  iat: z.number(),
  jti: z.string().min(1),
  sub: z.string().optional(),
  sid: z.string().optional(),
  events: z.record(z.string(), z.unknown()),
  nonce: z.unknown().optional(),
})
  .refine((claims) => claims.nonce === undefined, { message: 'a logout token carries no nonce' }).refine((claims) => typeof claims.events[LOGOUT_EVENT] === 'object' && claims.events[LOGOUT_EVENT] !== null, { message: 'events lacks the back-channel logout event' })
  .refine((claims) => claims.sub !== undefined || claims.sid !== undefined, { message: 'neither sub nor sid' });

export type LogoutClaims = z.infer<typeof claimsSchema>;

export interface LogoutTokenVerifier {
  verify(token: string): Promise<LogoutClaims>;
}

export function createLogoutTokenVerifier(options: { issuer: string; clientId: string; keys: JWTVerifyGetKey; now?: () => number }): LogoutTokenVerifier {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const seen = new Map<string, number>();
  return {
    async verify(token) {
      let payload: unknown;
      try {
        const verified = await jwtVerify(token, options.keys, {
          issuer: options.issuer,
          audience: options.clientId,
          maxTokenAge: MAX_AGE_SECONDS,
          currentDate: new Date(now() * 1000),
          algorithms: ['ES256', 'RS256', 'PS256', 'EdDSA'],
        });
        // §2.4: typ logout+jwt, so an ID token can never pass for a logout token.
        if (verified.protectedHeader.typ !== undefined && verified.protectedHeader.typ !== 'logout+jwt') throw new LogoutTokenError('typ is not logout+jwt');
        payload = verified.payload;
      } catch (err) {
        if (err instanceof LogoutTokenError) throw err;
        throw new LogoutTokenError((err as Error).message);
      }
      const parsed = claimsSchema.safeParse(payload);
      if (!parsed.success) throw new LogoutTokenError(parsed.error.issues.map((issue) => issue.message).join('; '));
      for (const [jti, expires] of seen) if (expires < now()) seen.delete(jti);
      if (seen.has(parsed.data.jti)) throw new LogoutTokenError('this logout token was already used');
      seen.set(parsed.data.jti, now() + MAX_AGE_SECONDS * 2);
      return parsed.data;
    },
  };
}
