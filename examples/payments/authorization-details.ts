// RFC 9396 rich authorization requests: the gateway asks Hawiya to have the person
// approve this payment (type payment_initiation, in the schema Hawiya registers for it:
// an exact decimal amount, the creditor's name, the agency and the reference), so the
// consent page can show the amount and the payee. Hawiya's token response says what was
// granted (§7): it must be exactly what was asked; a different amount, agency or
// reference, or no word of what was approved, is refused.
import type { Payment } from './payments.ts';

export interface PaymentInitiation {
  type: 'payment_initiation';
  locations: string[];
  amount: { currency: string; value: string };
  creditor: { name: string };
  agency: string;
  reference: string;
}

export function paymentInitiation(payment: Payment, payee: { name: string }, gatewayUrl: string): PaymentInitiation {
  return {
    type: 'payment_initiation',
    locations: [gatewayUrl],
    amount: { currency: payment.currency, value: payment.amount },
    creditor: { name: payee.name },
    agency: payment.agency,
    reference: payment.reference,
  };
}

export class DetailsMismatch extends Error {}

const asRecord = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? value as Record<string, unknown> : {});

// Returns true when Hawiya confirmed exactly this payment; throws otherwise. The agency
// decides where the money settles, so it is checked with the amount.
export function checkGrantedDetails(granted: unknown, payment: Payment): true {
  if (granted === undefined) throw new DetailsMismatch('Hawiya did not say what was approved');
  if (!Array.isArray(granted)) throw new DetailsMismatch('authorization_details is not a list');
  const payments = granted.map(asRecord).filter((detail) => detail.type === 'payment_initiation');
  if (payments.length !== 1) throw new DetailsMismatch('expected exactly one payment_initiation');
  const detail = payments[0]!;
  const amount = asRecord(detail.amount);
  if (amount.value !== payment.amount || amount.currency !== payment.currency) throw new DetailsMismatch('the approved amount is not the payment\'s');
  if (detail.agency !== payment.agency) throw new DetailsMismatch('the approved payee is not the payment\'s');
  if (detail.reference !== payment.reference) throw new DetailsMismatch('the approved reference is not the payment\'s');
  return true;
}
