// A payment request from a merchant (the portal): a JWT signed with the merchant's key,
// for this gateway, fresh, and presented once. Anything else is refused before a payment
// exists.
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { settlementAccountOf } from './payees.ts';

export class PaymentRequestRefused extends Error {}

const claimsSchema = z.object({
  iss: z.string(),
  jti: z.string().min(1).max(200),
  exp: z.number(),
  agency: z.string(),
  service: z.string().min(1).max(100),
  // A decimal string with two places, never a float; at least 0.01.
  amount: z.string().regex(/^\d{1,9}\.\d{2}$/).refine((amount) => Number(amount) > 0, 'the amount must be above zero'),
  currency: z.literal('HWD'),
  reference: z.string().regex(/^[A-Z0-9-]{4,40}$/),
});
export type PaymentRequest = z.infer<typeof claimsSchema>;

export interface Merchant {
  clientId: string;
  name: string;
  keys: JWTVerifyGetKey;
  notifyUrl: string;
  returnUrl: string;
}

export async function verifyPaymentRequest(token: string, merchants: readonly Merchant[], gatewayId: string): Promise<{ merchant: Merchant; request: PaymentRequest }> {
  // The issuer picks the key to check with; it is trusted only once the signature holds.
  let claimedIssuer: unknown;
  try {
    claimedIssuer = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')).iss;
  } catch {
    throw new PaymentRequestRefused('not a JWT');
  }
  const merchant = merchants.find((each) => each.clientId === claimedIssuer);
  if (!merchant) throw new PaymentRequestRefused('unknown merchant');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, merchant.keys, { issuer: merchant.clientId, audience: gatewayId, typ: 'payment-request+jwt', algorithms: ['ES256'], maxTokenAge: '10m' }));
  } catch (err) {
    throw new PaymentRequestRefused((err as Error).message);
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) throw new PaymentRequestRefused(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  if (!settlementAccountOf(parsed.data.agency)) throw new PaymentRequestRefused('unknown agency');
  return { merchant, request: parsed.data };
}
