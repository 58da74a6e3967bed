// The portal and the gateway talk in signed JWTs, each with its own key (the one it
// authenticates to Hawiya with), each checking the other's at its /jwks.json.
//  - portal → gateway: the payment request (agency, service, amount, currency,
//    reference), short-lived and with a jti the gateway accepts once;
//  - gateway → portal: the payment notice, checked here before a request turns paid.
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { ClientKey } from '../shared/client-key.ts';
import type { ServiceRequest, PaymentConfirmation } from './requests.ts';

const REQUEST_LIFETIME_SECONDS = 600;

export async function signPaymentRequest(key: ClientKey, ids: { portal: string; gateway: string }, request: ServiceRequest): Promise<string> {
  return new SignJWT({ agency: request.agency, service: request.serviceId, amount: request.amount, currency: request.currency, reference: request.reference })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'payment-request+jwt' })
    .setIssuer(ids.portal)
    .setAudience(ids.gateway)
    .setIssuedAt()
    .setExpirationTime(`${REQUEST_LIFETIME_SECONDS}s`)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

const noticeSchema = z.object({
  jti: z.string().min(1),
  exp: z.number(),
  status: z.literal('paid'),
  reference: z.string(),
  amount: z.string().regex(/^\d+\.\d{2}$/),
  currency: z.string().regex(/^[A-Z]{3}$/),
  payment_id: z.string(),
  receipt: z.string(),
  paid_at: z.string(),
});

export class NoticeRefused extends Error {}

export async function verifyPaymentNotice(keys: JWTVerifyGetKey, ids: { portal: string; gateway: string }, token: string): Promise<{ id: string; expiresAt: number; confirmation: PaymentConfirmation }> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, keys, { issuer: ids.gateway, audience: ids.portal, typ: 'payment-notice+jwt', algorithms: ['ES256'], maxTokenAge: '10m' }));
  } catch (err) {
    throw new NoticeRefused((err as Error).message);
  }
  const parsed = noticeSchema.safeParse(payload);
  if (!parsed.success) throw new NoticeRefused(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const notice = parsed.data;
  return {
    id: notice.jti,
    expiresAt: notice.exp,
    confirmation: { reference: notice.reference, amount: notice.amount, currency: notice.currency, paymentId: notice.payment_id, receipt: notice.receipt, paidAt: notice.paid_at },
  };
}
