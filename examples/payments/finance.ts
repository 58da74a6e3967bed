// The agency finance back office's figures: an agency's transactions, the daily
// clearing and settlement report (per agency, per settlement account, per way of
// paying), and the CSV export. Amounts are added in hundredths, never as floats.
import type { Payment } from './payments.ts';
import { settlementAccountOf } from './payees.ts';

const cents = (amount: string) => Math.round(Number(amount) * 100);
const decimal = (total: number) => (total / 100).toFixed(2);

// The payments an agency received on one day (UTC), oldest first.
export function paidOn(payments: readonly Payment[], agencies: readonly string[], date: string): Payment[] {
  return payments
    .filter((payment) => payment.status === 'paid' && agencies.includes(payment.agency) && payment.paidAt?.slice(0, 10) === date)
    .toSorted((a, b) => (a.paidAt ?? '').localeCompare(b.paidAt ?? ''));
}

export interface SettlementLine {
  key: string;
  count: number;
  total: string;
}

export interface SettlementReport {
  date: string;
  currency: string;
  byAgency: SettlementLine[];
  byAccount: Array<SettlementLine & { bank: string }>;
  byMethod: SettlementLine[];
  total: SettlementLine;
}

function group(payments: readonly Payment[], keyOf: (payment: Payment) => string): SettlementLine[] {
  const lines = new Map<string, { count: number; cents: number }>();
  for (const payment of payments) {
    const line = lines.get(keyOf(payment)) ?? { count: 0, cents: 0 };
    line.count += 1;
    line.cents += cents(payment.amount);
    lines.set(keyOf(payment), line);
  }
  return [...lines].toSorted(([a], [b]) => a.localeCompare(b)).map(([key, line]) => ({ key, count: line.count, total: decimal(line.cents) }));
}

export function dailySettlement(payments: readonly Payment[], agencies: readonly string[], date: string): SettlementReport {
  const paid = paidOn(payments, agencies, date);
  const accountOf = (payment: Payment) => settlementAccountOf(payment.agency)?.iban ?? 'unknown';
  return {
    date,
    currency: 'HWD',
    byAgency: group(paid, (payment) => payment.agency),
    byAccount: group(paid, accountOf).map((line) => ({ ...line, bank: paid.map((payment) => settlementAccountOf(payment.agency)).find((account) => account?.iban === line.key)?.bank ?? '' })),
    byMethod: group(paid, (payment) => payment.attempt?.method ?? 'unknown'),
    total: { key: 'total', count: paid.length, total: decimal(paid.reduce((sum, payment) => sum + cents(payment.amount), 0)) },
  };
}

// RFC 4180: fields quoted when they hold a comma, a quote or a line break; CRLF lines.
// A leading =, +, - or @ is prefixed with ' so a spreadsheet never runs it as a formula.
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function transactionsCsv(payments: readonly Payment[]): string {
  const header = ['paid_at', 'receipt', 'reference', 'agency', 'service', 'amount', 'currency', 'method', 'settlement_account', 'payment_id'];
  const rows = payments.map((payment) => [
    payment.paidAt ?? '', payment.receipt ?? '', payment.reference, payment.agency, payment.service, payment.amount, payment.currency,
    payment.attempt?.method ?? '', settlementAccountOf(payment.agency)?.iban ?? '', payment.id,
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
