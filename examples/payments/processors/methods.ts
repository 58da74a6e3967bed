// The four ways to pay, each a processor behind the one interface, each with its
// simulator: a card (Luhn, expiry, CVC; cards ending 0002 are declined), cash at a
// point-of-sale agent (a voucher code), a bank account (an IBAN, mod 97), an e-wallet
// (a phone number).
import { randomInt } from 'node:crypto';
import type { Charge, ParsedInput, PaymentMethod, PaymentProcessor } from './processor.ts';
import { createSimulator, type Simulator } from './simulator.ts';

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

// ISO 13616: move the first four characters to the end, letters to numbers, mod 97 is 1.
export function ibanValid(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}

const compact = (value: string | null) => (value ?? '').replace(/[\s-]/g, '').toUpperCase();

function parseCard(form: URLSearchParams, now: Date): ParsedInput {
  const number = compact(form.get('cardNumber'));
  const expiry = /^(\d{2})\/(\d{2})$/.exec((form.get('cardExpiry') ?? '').replace(/\s/g, ''));
  const cvc = (form.get('cardCvc') ?? '').trim();
  const errors: Array<{ field: string; message: 'cardNumber' | 'cardExpiry' | 'cardCvc' }> = [];
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) errors.push({ field: 'cardNumber', message: 'cardNumber' });
  const month = Number(expiry?.[1]);
  const year = 2000 + Number(expiry?.[2]);
  if (!expiry || month < 1 || month > 12 || new Date(Date.UTC(year, month, 1)) <= now) errors.push({ field: 'cardExpiry', message: 'cardExpiry' });
  if (!/^\d{3,4}$/.test(cvc)) errors.push({ field: 'cardCvc', message: 'cardCvc' });
  if (errors.length) return { ok: false, errors };
  return { ok: true, fields: { last4: number.slice(-4) }, shown: `•••• ${number.slice(-4)}` };
}

function parseIban(form: URLSearchParams): ParsedInput {
  const iban = compact(form.get('iban'));
  if (!ibanValid(iban)) return { ok: false, errors: [{ field: 'iban', message: 'iban' }] };
  return { ok: true, fields: { iban }, shown: `${iban.slice(0, 4)} •••• ${iban.slice(-4)}` };
}

function parsePhone(form: URLSearchParams): ParsedInput {
  const phone = (form.get('phone') ?? '').replace(/[\s-]/g, '');
  if (!/^\+?\d{8,15}$/.test(phone)) return { ok: false, errors: [{ field: 'phone', message: 'phone' }] };
  return { ok: true, fields: { phone }, shown: `•••• ${phone.slice(-3)}` };
}

export interface Processors {
  byMethod: Record<PaymentMethod, PaymentProcessor>;
  simulators: Record<PaymentMethod, Simulator>;
}

export function createSimulatedProcessors(options: { webhookUrl: (method: PaymentMethod) => string; secrets: Record<PaymentMethod, string>; delayMs: number; now?: () => Date }): Processors {
  const now = options.now ?? (() => new Date());
  const simulator = (method: PaymentMethod, decide: (charge: Charge) => 'confirmed' | 'declined' = () => 'confirmed') =>
    createSimulator({ method, webhookUrl: options.webhookUrl(method), secret: options.secrets[method], delayMs: options.delayMs, decide });
  const simulators: Record<PaymentMethod, Simulator> = {
    card: simulator('card', (charge) => (charge.fields.last4 === '0002' ? 'declined' : 'confirmed')),
    cash: simulator('cash'),
    bank: simulator('bank'),
    wallet: simulator('wallet'),
  };
  const processor = (method: PaymentMethod, fields: string[], parse: (form: URLSearchParams) => ParsedInput, extra: (charge: Charge) => { voucherCode?: string } = () => ({})): PaymentProcessor => ({
    method,
    fields,
    parse,
    async start(charge) {
      simulators[method].submit(charge);
      return extra(charge);
    },
  });
  return {
    simulators,
    byMethod: {
      card: processor('card', ['cardNumber', 'cardExpiry', 'cardCvc'], (form) => parseCard(form, now())),
      // The agent network issues a 12-digit voucher; the simulated agent is paid at once.
      cash: processor('cash', [], () => ({ ok: true, fields: {}, shown: '' }), () => ({ voucherCode: Array.from({ length: 12 }, () => randomInt(10)).join('') })),
      bank: processor('bank', ['iban'], parseIban),
      wallet: processor('wallet', ['phone'], parsePhone),
    },
  };
}
