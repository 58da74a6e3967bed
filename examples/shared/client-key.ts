// An example's own signing key: the private half stays in its DATA_DIR, the public half
// is registered at Hawiya (private_key_jwt) and published at /jwks.json for the parties
// that check what the example signs (the gateway checks the portal's payment requests,
// the portal checks the gateway's notices). `npm run demo`'s seed writes the file at
// <DATA_DIR>/examples/<client_id>/signing-key.json, and registers its public half.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';

export interface ClientKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const privateJwkSchema = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), d: z.string(), kid: z.string() });

export function clientKeyFile(dataDir: string, clientId: string): string {
  return join(dataDir, 'examples', clientId, 'signing-key.json');
}

export async function importClientKey(jwk: unknown): Promise<ClientKey> {
  const parsed = privateJwkSchema.parse(jwk);
  const { d: _private, ...publicJwk } = parsed;
  const privateKey = await importJWK({ ...parsed, alg: 'ES256' }, 'ES256');
  return { kid: parsed.kid, alg: 'ES256', privateKey: privateKey as CryptoKey, publicJwk: { ...publicJwk, alg: 'ES256', use: 'sig' } };
}

export async function loadClientKey(file: string): Promise<ClientKey> {
  return importClientKey(JSON.parse(readFileSync(file, 'utf8')));
}

// For tests: a fresh key, as the seed would write it.
export async function generateClientJwk(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid };
}

export function publicJwks(key: ClientKey): { keys: JWK[] } {
  return { keys: [key.publicJwk] };
}
