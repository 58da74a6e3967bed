// An agency's API as a resource server: it receives JWT access tokens (RFC 9068) that
// Hawiya issued for it, and checks them itself against Hawiya's JWKS: signature,
// issuer, audience (the API's resource indicator), type at+jwt, expiry, and that the
// approved payment is the one being made.
import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface ApprovedPayment {
  type: 'payment_initiation';
  amount: { currency: string; value: string };
  creditor: { name: string };
  agency: string;
  reference: string;
}

export function accessTokenVerifier(issuer: string, resource: string) {
  const jwks = createRemoteJWKSet(new URL('/jwks', issuer));
  return async (accessToken: string) => {
    const { payload } = await jwtVerify<{ client_id: string; scope?: string; authorization_details?: ApprovedPayment[] }>(
      accessToken, jwks, { issuer, audience: resource, typ: 'at+jwt' },
    );
    const payments = (payload.authorization_details ?? []).filter((detail) => detail.type === 'payment_initiation');
    return { clientId: payload.client_id, scopes: (payload.scope ?? '').split(' ').filter(Boolean), payments };
  };
}

// The authorization request's parameters for one payment: the person sees the amount,
// the payee and the reference on Hawiya's consent page, and approves exactly that.
export function paymentRequest(resource: string, payment: ApprovedPayment): Record<string, string> {
  return { resource, authorization_details: JSON.stringify([payment]) };
}
