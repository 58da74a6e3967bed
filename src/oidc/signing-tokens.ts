// Reading an access token as a signing authorisation, for the CSC API. The token is the
// provider's own (opaque, in oidc_model); it carries the authorization details the person
// approved, and the level and time of the sign-in that approved them (extraTokenClaims).
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

export async function findPresentedToken(provider: Provider, authorization: string | undefined): Promise<PresentedToken | null> {
  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(authorization ?? '');
  if (!match) return null;
  const token = await provider.AccessToken.find(match[1]!);
  if (!token || token.isExpired || !token.accountId) return null;
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
