// A client's registered public keys must be keys: the provider stores a JWKS as given, so
// a key with a malformed or off-curve point would be accepted at registration and fail
// only later, at the client's first signed request. Each key is imported here instead.
import { createPublicKey, type JsonWebKey } from 'node:crypto';

// The first key that cannot be imported, as "jwks.keys[i]: why", or null.
export function unusableJwk(metadata: Record<string, unknown>): string | null {
  const jwks = metadata.jwks as { keys?: unknown } | undefined;
  if (jwks === undefined) return null;
  if (!Array.isArray(jwks?.keys)) return 'jwks: must be an object with a keys array';
  for (const [index, key] of jwks.keys.entries()) {
    if (typeof key !== 'object' || key === null || (key as { d?: unknown }).d !== undefined) return `jwks.keys[${index}]: must be a public key`;
    try {
      createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
    } catch {
      return `jwks.keys[${index}]: is not a valid public key`;
    }
  }
  return null;
}
