// POST /processors/:method/events: a processor reports an outcome. The event must be
// signed with that processor's secret (HMAC-SHA256 over the exact body), name an attempt
// under way with its amount, and be new; a forged, altered or replayed event is refused
// and changes nothing.
import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { z } from 'zod';
import { isPaymentMethod, type PaymentMethod } from './processors/processor.ts';
import { signEvent } from './processors/simulator.ts';
import { PaymentRefused, type Payment, type Payments } from './payments.ts';

const eventSchema = z.object({
  event_id: z.string().min(1).max(100),
  payment_id: z.string(),
  processor_ref: z.string(),
  outcome: z.enum(['confirmed', 'declined']),
  amount: z.string(),
  currency: z.string(),
});

async function rawBody(ctx: Context): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) ctx.throw(413, 'event too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function signatureValid(secret: string, body: string, sent: string): boolean {
  const expected = Buffer.from(signEvent(secret, body));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function processorWebhook(deps: { payments: Payments; secrets: Record<PaymentMethod, string>; onSettled(payment: Payment): void }) {
  return async (ctx: Context) => {
    const method = ctx.params.method;
    if (!isPaymentMethod(method)) ctx.throw(404);
    const body = await rawBody(ctx);
    if (!signatureValid(deps.secrets[method], body, ctx.get('x-signature'))) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_signature' };
      return;
    }
    let parsed: z.infer<typeof eventSchema>;
    try {
      parsed = eventSchema.parse(JSON.parse(body));
    } catch {
      ctx.status = 400;
      ctx.body = { error: 'invalid_event' };
      return;
    }
    try {
      const payment = deps.payments.find(parsed.payment_id);
      if (payment?.attempt?.method !== method) throw new PaymentRefused('not_found', 'no such payment attempt for this processor');
      const settled = deps.payments.settle({ id: `${method}:${parsed.event_id}`, paymentId: parsed.payment_id, processorRef: parsed.processor_ref, outcome: parsed.outcome, amount: parsed.amount, currency: parsed.currency });
      deps.onSettled(settled);
      ctx.status = 204;
    } catch (err) {
      if (!(err instanceof PaymentRefused)) throw err;
      ctx.status = 409;
      ctx.body = { error: err.code, error_description: err.message };
    }
  };
}
