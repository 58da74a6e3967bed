// Tells the merchant (the portal) that a payment is paid: a JWT signed with the
// gateway's key, posted to the merchant's notify URL, retried a few times. The merchant
// checks it against the gateway's /jwks.json.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ClientKey } from '../shared/client-key.ts';
import type { Payment } from './payments.ts';

export async function signPaymentNotice(key: ClientKey, gatewayId: string, payment: Payment): Promise<string> {
  return new SignJWT({
    status: 'paid', reference: payment.reference, amount: payment.amount, currency: payment.currency,
    payment_id: payment.id, receipt: payment.receipt, paid_at: payment.paidAt,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'payment-notice+jwt' })
    .setIssuer(gatewayId)
    .setAudience(payment.merchant)
    .setIssuedAt()
    .setExpirationTime('10m')
    .setJti(randomUUID())
    .sign(key.privateKey);
}

export async function notifyMerchant(options: { key: ClientKey; gatewayId: string; notifyUrl: string; payment: Payment; attempts?: number }): Promise<boolean> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      // A fresh notice each try: each has its own jti, which the merchant accepts once.
      const notice = await signPaymentNotice(options.key, options.gatewayId, options.payment);
      const response = await fetch(options.notifyUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ notice }) });
      if (response.ok) return true;
      if (response.status >= 400 && response.status < 500) return false;
    } catch {
      // the merchant is unreachable: try again
    }
    await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
  }
  return false;
}
