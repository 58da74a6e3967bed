// One interface for every way to pay. A processor checks what the person entered, then
// starts a charge; the outcome comes later, as a signed event to the gateway's webhook
// (webhook.ts), as it does with real card acquirers, agent networks, banks and wallets.
export const PAYMENT_METHODS = ['card', 'cash', 'bank', 'wallet'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const isPaymentMethod = (value: unknown): value is PaymentMethod => typeof value === 'string' && (PAYMENT_METHODS as readonly string[]).includes(value);

// What the person entered, checked: the fields the processor needs, and what the
// receipt shows (a masked card, an IBAN's last digits), never the full secret.
export type ParsedInput =
  | { ok: true; fields: Record<string, string>; shown: string }
  | { ok: false; errors: Array<{ field: string; message: InputError }> };

export type InputError = 'cardNumber' | 'cardExpiry' | 'cardCvc' | 'iban' | 'phone';

export interface Charge {
  paymentId: string;
  processorRef: string;
  amount: string;
  currency: string;
  payeeAccount: string;
  fields: Record<string, string>;
}

export interface PaymentProcessor {
  readonly method: PaymentMethod;
  // The form fields this method asks for, in order.
  readonly fields: readonly string[];
  parse(form: URLSearchParams): ParsedInput;
  // Starts the charge; resolves once the processor has accepted it (not when it is
  // paid). Cash returns the voucher code the person takes to an agent.
  start(charge: Charge): Promise<{ voucherCode?: string }>;
}
