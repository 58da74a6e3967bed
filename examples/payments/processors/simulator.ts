// Stands in for a real processor: accepts a charge, decides its outcome, and reports it
// a little later to the gateway's webhook as an HMAC-signed event, exactly as a real
// one would (so the gateway's checks on events run for real). Counts its charges, so
// tests can prove nothing was charged twice.
import { createHmac, randomUUID } from 'node:crypto';
import type { Charge, PaymentMethod } from './processor.ts';

export interface SimulatorOptions {
  method: PaymentMethod;
  webhookUrl: string;
  secret: string;
  delayMs: number;
  decide(charge: Charge): 'confirmed' | 'declined';
}

export interface Simulator {
  readonly charges: Charge[];
  submit(charge: Charge): void;
}

export function signEvent(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function createSimulator(options: SimulatorOptions): Simulator {
  const charges: Charge[] = [];
  const deliver = async (charge: Charge) => {
    const body = JSON.stringify({
      event_id: randomUUID(), payment_id: charge.paymentId, processor_ref: charge.processorRef,
      outcome: options.decide(charge), amount: charge.amount, currency: charge.currency,
    });
    // A real processor retries until the gateway answers; three tries are enough here.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch(options.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': signEvent(options.secret, body) }, body });
        if (response.ok || response.status === 409) return;
      } catch {
        // the gateway is restarting: try again
      }
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
  };
  return {
    charges,
    submit(charge) {
      charges.push(charge);
      setTimeout(() => void deliver(charge), options.delayMs).unref();
    },
  };
}
