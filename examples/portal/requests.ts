// The portal's requests: one per service asked for, with the amount due and whether the
// gateway has confirmed payment. Kept in the portal's own JSON store.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createJsonStore } from '../shared/json-store.ts';

const requestSchema = z.object({
  id: z.string(),
  // What the person quotes, and what the gateway's payment is matched on.
  reference: z.string(),
  sub: z.string(),
  serviceId: z.string(),
  agency: z.string(),
  amount: z.string(),
  currency: z.string(),
  detail: z.string().optional(),
  status: z.enum(['awaiting_payment', 'payment_started', 'paid']),
  createdAt: z.string(),
  paidAt: z.string().optional(),
  receipt: z.string().optional(),
  paymentId: z.string().optional(),
});
export type ServiceRequest = z.infer<typeof requestSchema>;

const storeSchema = z.object({
  requests: z.array(requestSchema),
  // The ids of the gateway's notices already applied, against replay.
  notices: z.record(z.string(), z.number()),
});

export type PaymentConfirmation = { reference: string; amount: string; currency: string; paymentId: string; receipt: string; paidAt: string };

export class ConfirmationRefused extends Error {}

// R- and eight characters without look-alikes (no 0/O, 1/I), easy to read out.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newReference(): string {
  return `R-${[...randomBytes(8)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('')}`;
}

export function createRequests(file: string | null) {
  const store = createJsonStore(file, storeSchema, () => ({ requests: [], notices: {} }));
  return {
    create(input: Omit<ServiceRequest, 'id' | 'reference' | 'status' | 'createdAt'>): ServiceRequest {
      const request: ServiceRequest = { ...input, id: randomUUID(), reference: newReference(), status: 'awaiting_payment', createdAt: new Date().toISOString() };
      store.update((state) => { state.requests.push(request); });
      return request;
    },
    ofPerson(sub: string): ServiceRequest[] {
      return store.read().requests.filter((request) => request.sub === sub).toReversed();
    },
    find(id: string, sub: string): ServiceRequest | undefined {
      return store.read().requests.find((request) => request.id === id && request.sub === sub);
    },
    byReference(reference: string): ServiceRequest | undefined {
      return store.read().requests.find((request) => request.reference === reference);
    },
    markPaymentStarted(id: string): void {
      store.update((state) => {
        const request = state.requests.find((each) => each.id === id);
        if (request?.status === 'awaiting_payment') request.status = 'payment_started';
      });
    },
    // Applies the gateway's confirmation once: a notice id seen before, an unknown
    // reference, or an amount other than the one due is refused, and nothing changes.
    confirmPayment(noticeId: string, expiresAt: number, confirmation: PaymentConfirmation): ServiceRequest {
      return store.update((state) => {
        const now = Math.floor(Date.now() / 1000);
        for (const [id, expiry] of Object.entries(state.notices)) if (expiry < now) delete state.notices[id];
        if (state.notices[noticeId] !== undefined) throw new ConfirmationRefused('this notice was already applied');
        const request = state.requests.find((each) => each.reference === confirmation.reference);
        if (!request) throw new ConfirmationRefused('no request with this reference');
        if (request.amount !== confirmation.amount || request.currency !== confirmation.currency) throw new ConfirmationRefused('the amount paid is not the amount due');
        if (request.status === 'paid' && request.paymentId !== confirmation.paymentId) throw new ConfirmationRefused('this request was paid by another payment');
        state.notices[noticeId] = expiresAt;
        Object.assign(request, { status: 'paid', paidAt: confirmation.paidAt, receipt: confirmation.receipt, paymentId: confirmation.paymentId });
        return { ...request };
      });
    },
  };
}

export type Requests = ReturnType<typeof createRequests>;
