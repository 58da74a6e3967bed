// The examples' side of OpenID Connect, with openid-client: discovery once (retried
// until Hawiya answers), and client authentication with the example's own key
// (private_key_jwt), so Hawiya holds no secret of theirs.
import * as client from 'openid-client';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { ClientKey } from './client-key.ts';

export interface RelyingPartyConfig {
  issuer: string;
  clientId: string;
  // None for a server that only reads Hawiya's metadata (the mobile app's).
  key?: ClientKey;
}

// Lazily discovered, so an example can start before Hawiya does; a failed discovery is
// tried again at the next request.
export function lazyDiscovery(rp: RelyingPartyConfig): () => Promise<client.Configuration> {
  let pending: Promise<client.Configuration> | undefined;
  return () => {
    pending ??= client.discovery(
      new URL(rp.issuer),
      rp.clientId,
      rp.key ? { token_endpoint_auth_signing_alg: rp.key.alg } : undefined,
      rp.key ? client.PrivateKeyJwt({ key: rp.key.privateKey, kid: rp.key.kid }) : client.None(),
      // Plain http only for the local demo's loopback issuer.
      rp.issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : undefined,
    ).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}

export { client };

// Hawiya's signing keys, from the JWKS its discovery document names; jose refetches the
// set when it meets an unknown kid, so key rotation needs nothing here.
export function issuerKeys(discover: () => Promise<client.Configuration>): JWTVerifyGetKey {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (header, token) => {
    if (!keys) {
      const uri = (await discover()).serverMetadata().jwks_uri;
      if (!uri) throw new Error('the issuer publishes no jwks_uri');
      keys = createRemoteJWKSet(new URL(uri));
    }
    return keys(header, token);
  };
}
