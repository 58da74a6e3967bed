// Reading an access token presented to Hawiya's own APIs (the CSC API, the device
// certificate endpoint). The token is the provider's own (opaque, in oidc_model); it
// carries the authorization details the person approved, and the level and time of the
// sign-in that approved them (extraTokenClaims).
//
// A DPoP-bound token (RFC 9449) is accepted only with the DPoP scheme and a valid proof,
// where the caller passes the request (the device endpoint); never as a bearer token
// (§7.1: that would make the binding worthless).
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import type { Provider } from 'oidc-provider';

export interface PresentedToken {
  id: string;
  accountId: string;
  clientId: string;
  issuedAt: Date;
  details: unknown[];
  acr: unknown;
  // When the sign-in behind the token happened.
  authTime: Date | null;
  // DPoP- or certificate-bound: the CSC API takes bearer tokens only, for now.
  senderConstrained: boolean;
}

// The request a DPoP proof must be for.
export interface DpopRequest {
  proof: string | undefined;
  method: string;
  // Without query and fragment (§4.3 step 9).
  url: string;
  now: Date;
}

// §11.1: a proof without a server nonce is fresh for a minute (oidc-provider's window).
const PROOF_WINDOW_SECONDS = 60;
const PROOF_ALGORITHMS = ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'];

// §4.3: the proof's key thumbprint, when the proof is valid for this request and token.
async function provenKey(provider: Provider, token: string, clientId: string, request: DpopRequest): Promise<string | null> {
  if (!request.proof) return null;
  try {
    const { payload, protectedHeader } = await jwtVerify(request.proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: PROOF_ALGORITHMS, currentDate: request.now });
    const now = Math.floor(request.now.getTime() / 1000);
    if (payload.htm !== request.method || typeof payload.htu !== 'string') return null;
    const htu = new URL(payload.htu);
    htu.search = '';
    htu.hash = '';
    if (htu.href !== request.url) return null;
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > PROOF_WINDOW_SECONDS) return null;
    if (payload.ath !== createHash('sha256').update(token).digest('base64url')) return null;
    if (typeof payload.jti !== 'string' || !payload.jti) return null;
    // Each proof once: the provider's replay store, as its own endpoints use it.
    if (!(await provider.ReplayDetection.unique(clientId, payload.jti, now + PROOF_WINDOW_SECONDS * 2))) return null;
    return await calculateJwkThumbprint(protectedHeader.jwk!);
  } catch {
    return null;
  }
}

export async function findPresentedToken(provider: Provider, authorization: string | undefined, dpop?: DpopRequest): Promise<PresentedToken | null> {
  const match = /^(Bearer|DPoP) ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) return null;
  const [, scheme, value] = match as unknown as [string, 'Bearer' | 'DPoP', string];
  const token = await provider.AccessToken.find(value);
  if (!token || token.isExpired || !token.accountId) return null;
  const jkt = (token as unknown as { jkt?: string }).jkt;
  if (scheme === 'Bearer' && jkt) return null;
  if (scheme === 'DPoP') {
    if (!jkt || !dpop || (await provenKey(provider, value, token.clientId!, dpop)) !== jkt) return null;
  }
  const extra = (token.extra ?? {}) as { acr?: unknown; auth_time?: unknown };
  return {
    id: token.jti,
    accountId: token.accountId,
    clientId: token.clientId!,
    issuedAt: new Date((token.iat ?? 0) * 1000),
    details: (token as unknown as { rar?: unknown[] }).rar ?? [],
    acr: extra.acr,
    authTime: typeof extra.auth_time === 'number' ? new Date(extra.auth_time * 1000) : null,
    senderConstrained: token.isSenderConstrained(),
  };
}
