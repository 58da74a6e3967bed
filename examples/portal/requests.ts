// The portal's requests: one per service asked for, with the amount due and whether the
// gateway has confirmed payment. Kept in the portal's own JSON store.
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createJsonStore } from '../shared/json-store.ts';

// The form's signature: prepared and waiting for the person's approval at Hawiya, then
// signed (the PDF, and what Hawiya's verification API said of it). Base64 throughout.
const signatureSchema = z.object({
  state: z.enum(['awaiting_approval', 'signed']),
  credentialID: z.string(),
  certificates: z.array(z.string()),
  preparedPdf: z.string(),
  signedAttributes: z.string(),
  hash: z.string(),
  label: z.string(),
  signedPdf: z.string().optional(),
  signedAt: z.string().optional(),
  verdict: z.object({ valid: z.boolean(), signerName: z.string(), checks: z.record(z.string(), z.string()), problem: z.string().optional() }).optional(),
});
export type FormSignature = z.infer<typeof signatureSchema>;

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
  signature: signatureSchema.optional(),
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
    setSignature(id: string, signature: FormSignature): void {
      store.update((state) => {
        const request = state.requests.find((each) => each.id === id);
        if (request) request.signature = signature;
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
