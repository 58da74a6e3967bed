// Agencies, client keys and hand-made proofs for the federation tests.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';
import type { RunningHawiya } from './harness.ts';
import { REDIRECT_URI } from './relying-party.ts';

export interface ClientKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
}

export async function clientKey(alg: 'ES256' | 'PS256' | 'ECDH-ES' = 'ES256'): Promise<ClientKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const use = alg === 'ECDH-ES' ? 'enc' : 'sig';
  return { privateKey, kid, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use } };
}

export function jwksOf(...keys: ClientKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => key.publicJwk) };
}

export async function createAgency(running: RunningHawiya, code: string, allowedScopes: string[] = ['openid', 'profile', 'offline_access']): Promise<void> {
  await running.hawiya.services.agencies.create({ code, names: { ar: `وكالة ${code}`, fr: `Agence ${code}`, en: `Agency ${code}` }, allowed_scopes: allowedScopes }, 'test');
}

// openid-client for a private_key_jwt client, over http for the tests.
export async function discoverWithKey(issuer: string, clientId: string, key: ClientKey, options: oidc.ModifyAssertionOptions = {}): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, { token_endpoint_auth_signing_alg: key.publicJwk.alg as string }, oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }, options), { execute: [oidc.allowInsecureRequests] });
}

export const privateKeyJwtClient = (clientId: string, key: ClientKey, extra: Record<string, unknown> = {}) => ({
  client_id: clientId,
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  token_endpoint_auth_method: 'private_key_jwt',
  token_endpoint_auth_signing_alg: key.publicJwk.alg,
  jwks: jwksOf(key),
  ...extra,
});

// A DPoP proof (RFC 9449 §4.2) made by hand, so a test can get it wrong on purpose.
export async function dpopProof(key: { privateKey: CryptoKey; publicKey: CryptoKey }, claims: { htm: string; htu: string; nonce?: string; jti?: string }): Promise<string> {
  const jwk = await exportJWK(key.publicKey);
  return new SignJWT({ htm: claims.htm, htu: claims.htu, jti: claims.jti ?? randomUUID(), ...(claims.nonce ? { nonce: claims.nonce } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
    .setIssuedAt()
    .sign(key.privateKey);
}

// A client assertion (RFC 7523) made by hand.
export async function clientAssertion(clientId: string, key: ClientKey, claims: { aud: string; exp?: number; iat?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(clientId).setSubject(clientId).setAudience(claims.aud)
    .setIssuedAt(claims.iat ?? now).setExpirationTime(claims.exp ?? now + 60)
    .sign(key.privateKey);
}

export async function tokenRequest(issuer: string, body: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: await response.json() as Record<string, unknown>, headers: response.headers };
}

// The OAuth error of a rejected openid-client call (from the body, or a 401's challenge).
export async function oauthError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const { error, cause } = err as { error?: string; cause?: unknown };
    if (typeof error === 'string') return error;
    const challenge = Array.isArray(cause) ? (cause[0] as { parameters?: { error?: string } }).parameters?.error : undefined;
    if (typeof challenge === 'string') return challenge;
    throw err;
  }
  throw new Error('expected an OAuth error');
}
