// The portal's API accepts only DPoP-bound access tokens (RFC 9449) issued to the
// portal's own app. Hawiya's access tokens are opaque, so the portal asks Hawiya about
// each one (introspection, RFC 7662, with the portal's private_key_jwt) and checks the
// proof of possession itself.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { z } from 'zod';
import { client } from '../shared/oidc-client.ts';

// §11.1: a proof is fresh for a short while; its jti is remembered that long.
const PROOF_WINDOW_SECONDS = 60;

export class AccessRefused extends Error {
  readonly status: number;
  readonly error: 'invalid_token' | 'invalid_dpop_proof';
  constructor(error: 'invalid_token' | 'invalid_dpop_proof', message: string) {
    super(message);
    this.error = error;
    this.status = 401;
  }
}

const proofSchema = z.object({ htm: z.string(), htu: z.string(), iat: z.number(), jti: z.string().min(1), ath: z.string() });

export interface DpopAccess {
  // The sub of the person the token is for.
  authorize(input: { authorization: string | undefined; proof: string | undefined; method: string; url: string }): Promise<{ sub: string; clientId: string }>;
}

export function createDpopAccess(deps: { discover(): Promise<client.Configuration>; allowedClients: readonly string[]; now?: () => number }): DpopAccess {
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const seen = new Map<string, number>();

  async function checkProof(proof: string, token: string, method: string, url: string): Promise<JWK> {
    let payload: unknown;
    let jwk: JWK | undefined;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'PS256', 'RS256', 'EdDSA'], currentDate: new Date(now() * 1000) });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk;
    } catch (err) {
      throw new AccessRefused('invalid_dpop_proof', (err as Error).message);
    }
    const claims = proofSchema.safeParse(payload);
    if (!claims.success || !jwk) throw new AccessRefused('invalid_dpop_proof', 'the proof lacks htm, htu, iat, jti or ath');
    const { htm, htu, iat, jti, ath } = claims.data;
    // §4.3: the proof is for this method and this URI, without query and fragment.
    const target = new URL(url);
    target.search = '';
    target.hash = '';
    if (htm !== method) throw new AccessRefused('invalid_dpop_proof', 'htm is not this request\'s method');
    if (htu !== target.href) throw new AccessRefused('invalid_dpop_proof', 'htu is not this request\'s URI');
    if (Math.abs(now() - iat) > PROOF_WINDOW_SECONDS) throw new AccessRefused('invalid_dpop_proof', 'the proof is not fresh');
    // §4.3 step 12: the proof names the token it goes with.
    if (ath !== createHash('sha256').update(token).digest('base64url')) throw new AccessRefused('invalid_dpop_proof', 'ath does not match the access token');
    for (const [id, expiry] of seen) if (expiry < now()) seen.delete(id);
    if (seen.has(jti)) throw new AccessRefused('invalid_dpop_proof', 'this proof was already used');
    seen.set(jti, now() + PROOF_WINDOW_SECONDS * 2);
    return jwk;
  }

  return {
    async authorize({ authorization, proof, method, url }) {
      const match = /^DPoP (\S+)$/.exec(authorization ?? '');
      if (!match?.[1]) throw new AccessRefused('invalid_token', 'a DPoP-bound access token is required');
      if (!proof) throw new AccessRefused('invalid_dpop_proof', 'the DPoP proof is missing');
      const token = match[1];
      const jwk = await checkProof(proof, token, method, url);
      const introspection = await client.tokenIntrospection(await deps.discover(), token);
      if (!introspection.active) throw new AccessRefused('invalid_token', 'the access token is not active');
      const cnf = introspection.cnf as { jkt?: unknown } | undefined;
      // §6.1: the token is bound to the key that signed the proof.
      if (typeof cnf?.jkt !== 'string' || cnf.jkt !== await calculateJwkThumbprint(jwk)) throw new AccessRefused('invalid_token', 'the token is not bound to the proof\'s key');
      const clientId = String(introspection.client_id ?? '');
      if (!deps.allowedClients.includes(clientId)) throw new AccessRefused('invalid_token', 'the token was not issued to an app of this portal');
      if (typeof introspection.sub !== 'string') throw new AccessRefused('invalid_token', 'the token names no person');
      return { sub: introspection.sub, clientId };
    },
  };
}
