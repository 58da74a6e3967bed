// The gateway's payments. One payment per merchant reference: a second request for the
// same reference finds the first (idempotent), and a payment is charged at most once at
// a time, so a double submit never charges twice. Each change is a check-and-set inside
// one store update (json-store.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createJsonStore } from '../shared/json-store.ts';
import type { PaymentRequest } from './payment-request.ts';
import { PAYMENT_METHODS, type PaymentMethod } from './processors/processor.ts';

const paymentSchema = z.object({
  id: z.string(),
  merchant: z.string(),
  reference: z.string(),
  agency: z.string(),
  service: z.string(),
  amount: z.string(),
  currency: z.string(),
  createdAt: z.string(),
  status: z.enum(['created', 'authorized', 'processing', 'paid', 'declined']),
  payer: z.object({ sub: z.string(), nameAr: z.string(), nameLatin: z.string(), acr: z.string(), detailsGranted: z.boolean() }).optional(),
  attempt: z.object({ method: z.enum(PAYMENT_METHODS), processorRef: z.string(), startedAt: z.string(), shown: z.string(), voucherCode: z.string().optional() }).optional(),
  paidAt: z.string().optional(),
  receipt: z.string().optional(),
  declinedAttempts: z.number().default(0),
  notifiedAt: z.string().optional(),
});
export type Payment = z.infer<typeof paymentSchema>;

const storeSchema = z.object({
  payments: z.array(paymentSchema),
  // Payment requests' jti, and processors' event ids, each accepted once (until expiry).
  seenRequests: z.record(z.string(), z.number()),
  seenEvents: z.record(z.string(), z.number()),
});

export class PaymentRefused extends Error {
  readonly code: 'replayed' | 'conflict' | 'not_found' | 'wrong_state';
  constructor(code: PaymentRefused['code'], message: string) {
    super(message);
    this.code = code;
  }
}

function prune(seen: Record<string, number>, now: number): void {
  for (const [id, expiry] of Object.entries(seen)) if (expiry < now) delete seen[id];
}

const newReceipt = () => `P-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(4).toString('hex').toUpperCase()}`;

export function createPayments(file: string | null) {
  const store = createJsonStore(file, storeSchema, () => ({ payments: [], seenRequests: {}, seenEvents: {} }));
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const find = (id: string) => store.read().payments.find((payment) => payment.id === id);

  return {
    find,
    all: () => store.read().payments,
    ofPayer: (sub: string) => store.read().payments.filter((payment) => payment.payer?.sub === sub).toReversed(),

    // A verified payment request: refused if its jti was seen; otherwise the payment for
    // its reference, new or existing. The same reference with another amount, payee or
    // currency is a conflict, never a second payment.
    open(merchant: string, request: PaymentRequest): Payment {
      return store.update((state) => {
        prune(state.seenRequests, nowSeconds());
        const key = `${merchant} ${request.jti}`;
        if (state.seenRequests[key] !== undefined) throw new PaymentRefused('replayed', 'this payment request was already used');
        state.seenRequests[key] = request.exp;
        const existing = state.payments.find((payment) => payment.merchant === merchant && payment.reference === request.reference);
        if (existing) {
          if (existing.amount !== request.amount || existing.currency !== request.currency || existing.agency !== request.agency) {
            throw new PaymentRefused('conflict', 'this reference was already presented with another amount or payee');
          }
          return { ...existing };
        }
        const payment: Payment = {
          id: randomUUID(), merchant, reference: request.reference, agency: request.agency, service: request.service,
          amount: request.amount, currency: request.currency, createdAt: new Date().toISOString(), status: 'created', declinedAttempts: 0,
        };
        state.payments.push(payment);
        return { ...payment };
      });
    },

    // The person who signed in for this payment, at the level it needs.
    authorize(id: string, payer: NonNullable<Payment['payer']>): Payment {
      return store.update((state) => {
        const payment = state.payments.find((each) => each.id === id);
        if (!payment) throw new PaymentRefused('not_found', 'no such payment');
        if (payment.status === 'created' || payment.status === 'authorized' || payment.status === 'declined') {
          payment.payer = payer;
          if (payment.status === 'created') payment.status = 'authorized';
        }
        return { ...payment };
      });
    },

    // Starts one charge. Returns null when a charge is already under way or done: the
    // caller then starts nothing (a double submit, a reload, a second tab).
    beginCharge(id: string, payerSub: string, method: PaymentMethod, shown: string): { payment: Payment; processorRef: string } | null {
      return store.update((state) => {
        const payment = state.payments.find((each) => each.id === id);
        if (!payment || payment.payer?.sub !== payerSub) throw new PaymentRefused('not_found', 'no such payment');
        if (payment.status !== 'authorized' && payment.status !== 'declined') return null;
        const processorRef = randomUUID();
        payment.status = 'processing';
        payment.attempt = { method, processorRef, startedAt: new Date().toISOString(), shown };
        return { payment: { ...payment }, processorRef };
      });
    },

    setVoucher(id: string, processorRef: string, voucherCode: string): void {
      store.update((state) => {
        const payment = state.payments.find((each) => each.id === id);
        if (payment?.attempt?.processorRef === processorRef) payment.attempt.voucherCode = voucherCode;
      });
    },

    // A processor's outcome, applied once per event id and only to the attempt it names.
    settle(event: { id: string; paymentId: string; processorRef: string; outcome: 'confirmed' | 'declined'; amount: string; currency: string }): Payment {
      return store.update((state) => {
        prune(state.seenEvents, nowSeconds());
        if (state.seenEvents[event.id] !== undefined) throw new PaymentRefused('replayed', 'this event was already applied');
        const payment = state.payments.find((each) => each.id === event.paymentId);
        if (!payment || payment.attempt?.processorRef !== event.processorRef) throw new PaymentRefused('not_found', 'no such payment attempt');
        if (payment.amount !== event.amount || payment.currency !== event.currency) throw new PaymentRefused('conflict', 'the amount is not the payment\'s');
        if (payment.status !== 'processing') throw new PaymentRefused('wrong_state', `the payment is ${payment.status}`);
        state.seenEvents[event.id] = nowSeconds() + 7 * 24 * 3600;
        if (event.outcome === 'confirmed') {
          Object.assign(payment, { status: 'paid', paidAt: new Date().toISOString(), receipt: newReceipt() });
        } else {
          payment.status = 'declined';
          payment.declinedAttempts += 1;
        }
        return { ...payment };
      });
    },

    markNotified(id: string): void {
      store.update((state) => {
        const payment = state.payments.find((each) => each.id === id);
        if (payment) payment.notifiedAt = new Date().toISOString();
      });
    },
  };
}

export type Payments = ReturnType<typeof createPayments>;
