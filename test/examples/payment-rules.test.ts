// The gateway's rules without a browser: one payment per reference, one charge at a
// time, events applied once, approved details that must match, input checks per way of
// paying, and the settlement figures and CSV.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPayments, PaymentRefused } from '../../examples/payments/payments.ts';
import { checkGrantedDetails, DetailsMismatch, paymentInitiation } from '../../examples/payments/authorization-details.ts';
import { createSimulatedProcessors, ibanValid } from '../../examples/payments/processors/methods.ts';
import { dailySettlement, paidOn, transactionsCsv } from '../../examples/payments/finance.ts';
import type { PaymentRequest } from '../../examples/payments/payment-request.ts';

const request = (overrides: Partial<PaymentRequest> = {}): PaymentRequest => ({
  iss: 'demo-portal', jti: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600,
  agency: 'interior', service: 'birth-certificate', amount: '10.00', currency: 'HWD', reference: 'R-ABCDEFGH', ...overrides,
});
const payer = { sub: 'person-1', nameAr: 'أ', nameLatin: 'A', acr: 'http://eidas.europa.eu/LoA/substantial', detailsGranted: false };

describe('the gateway\'s payment rules', () => {
  it('opens one payment per reference, refuses a replayed request and a changed amount', () => {
    const payments = createPayments(null);
    const first = payments.open('demo-portal', request());
    const again = payments.open('demo-portal', request());
    assert.equal(again.id, first.id, 'a second request for the reference finds the first payment');
    const replayed = request();
    payments.open('demo-portal', replayed);
    assert.throws(() => payments.open('demo-portal', replayed), (err: unknown) => err instanceof PaymentRefused && err.code === 'replayed');
    assert.throws(() => payments.open('demo-portal', request({ amount: '1.00' })), (err: unknown) => err instanceof PaymentRefused && err.code === 'conflict');
    assert.equal(payments.all().length, 1);
  });

  it('charges once however often the person submits, and applies each event once', () => {
    const payments = createPayments(null);
    const payment = payments.open('demo-portal', request());
    payments.authorize(payment.id, payer);
    const begun = payments.beginCharge(payment.id, payer.sub, 'card', '•••• 4242');
    assert.ok(begun);
    assert.equal(payments.beginCharge(payment.id, payer.sub, 'card', '•••• 4242'), null, 'a double submit starts no second charge');
    assert.throws(() => payments.beginCharge(payment.id, 'someone-else', 'card', ''), PaymentRefused);
    const event = { id: 'e1', paymentId: payment.id, processorRef: begun.processorRef, outcome: 'confirmed' as const, amount: '10.00', currency: 'HWD' };
    assert.throws(() => payments.settle({ ...event, id: 'e0', amount: '1.00' }), /amount/);
    assert.throws(() => payments.settle({ ...event, id: 'e0', processorRef: 'forged' }), /no such payment attempt/);
    assert.equal(payments.settle(event).status, 'paid');
    assert.throws(() => payments.settle(event), /already applied/);
    assert.equal(payments.beginCharge(payment.id, payer.sub, 'cash', ''), null, 'a paid payment is never charged again');
  });

  it('lets the person try another way after a decline', () => {
    const payments = createPayments(null);
    const payment = payments.open('demo-portal', request());
    payments.authorize(payment.id, payer);
    const begun = payments.beginCharge(payment.id, payer.sub, 'card', '')!;
    payments.settle({ id: 'd1', paymentId: payment.id, processorRef: begun.processorRef, outcome: 'declined', amount: '10.00', currency: 'HWD' });
    assert.equal(payments.find(payment.id)?.status, 'declined');
    assert.ok(payments.beginCharge(payment.id, payer.sub, 'bank', ''));
  });

  it('refuses approved authorization_details that differ from the payment', () => {
    const payments = createPayments(null);
    const payment = payments.open('demo-portal', request());
    const asked = paymentInitiation(payment, { name: 'Ministry of Interior' }, 'http://gateway');
    assert.equal(checkGrantedDetails([asked], payment), true);
    assert.throws(() => checkGrantedDetails(undefined, payment), DetailsMismatch, 'a grant that does not say what was approved');
    assert.throws(() => checkGrantedDetails([{ ...asked, amount: { currency: 'HWD', value: '1.00' } }], payment), DetailsMismatch);
    assert.throws(() => checkGrantedDetails([{ ...asked, agency: 'justice' }], payment), DetailsMismatch);
    assert.throws(() => checkGrantedDetails([{ ...asked, reference: 'another' }], payment), DetailsMismatch);
    assert.throws(() => checkGrantedDetails([asked, asked], payment), DetailsMismatch);
  });

  it('checks what the person enters for each way of paying', () => {
    const { byMethod } = createSimulatedProcessors({ webhookUrl: () => 'http://127.0.0.1:9/', secrets: { card: 'a', cash: 'b', bank: 'c', wallet: 'd' }, delayMs: 1, now: () => new Date('2026-06-01') });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields);
    assert.deepEqual(byMethod.card.parse(form({ cardNumber: '4242 4242 4242 4242', cardExpiry: '12/29', cardCvc: '123' })), { ok: true, fields: { last4: '4242' }, shown: '•••• 4242' });
    const bad = byMethod.card.parse(form({ cardNumber: '4242 4242 4242 4241', cardExpiry: '05/26', cardCvc: '12' }));
    assert.deepEqual(bad.ok ? [] : bad.errors.map((error) => error.field), ['cardNumber', 'cardExpiry', 'cardCvc']);
    assert.equal(ibanValid('DE89370400440532013000'), true);
    assert.equal(ibanValid('DE89370400440532013001'), false);
    assert.equal(byMethod.bank.parse(form({ iban: 'de89 3704 0044 0532 0130 00' })).ok, true);
    assert.equal(byMethod.wallet.parse(form({ phone: '12' })).ok, false);
    assert.equal(byMethod.cash.parse(form({})).ok, true);
  });

  it('adds up a day per agency, per settlement account and per way of paying, and exports CSV', () => {
    const payments = createPayments(null);
    const pay = (agency: string, amount: string, reference: string, method: 'card' | 'cash') => {
      const payment = payments.open('demo-portal', request({ agency, amount, reference }));
      payments.authorize(payment.id, payer);
      const begun = payments.beginCharge(payment.id, payer.sub, method, '')!;
      payments.settle({ id: reference, paymentId: payment.id, processorRef: begun.processorRef, outcome: 'confirmed', amount, currency: 'HWD' });
    };
    pay('interior', '10.10', 'R-AAAAAAA1', 'card');
    pay('justice', '0.20', 'R-AAAAAAA2', 'cash');
    pay('transport', '40.00', '=HYPERLINK', 'card');
    const today = new Date().toISOString().slice(0, 10);
    const report = dailySettlement(payments.all(), ['interior', 'justice', 'transport'], today);
    assert.deepEqual(report.total, { key: 'total', count: 3, total: '50.30' });
    // Interior and Justice both settle to the Treasury's account.
    assert.deepEqual(report.byAccount.map((line) => [line.key, line.count, line.total]), [['HW4100010000000000000001', 2, '10.30'], ['HW7300020000000000000412', 1, '40.00']]);
    assert.deepEqual(report.byMethod.map((line) => [line.key, line.total]), [['card', '50.10'], ['cash', '0.20']]);
    const csv = transactionsCsv(paidOn(payments.all(), ['transport'], today));
    const [header, row] = csv.trim().split('\r\n');
    assert.match(header ?? '', /^paid_at,receipt,reference,agency/);
    assert.match(row ?? '', /,'=HYPERLINK,transport,/, 'a formula-like field is defused');
    assert.deepEqual(paidOn(payments.all(), ['interior'], '2000-01-01'), []);
  });
});
