// The gateway's pages for one payment: the amount and the payee, how to pay, the form
// for the chosen way, the wait, the receipt.
import { html, type Html } from '../../shared/html.ts';
import { formatDateTime, formatMoney, type Locale } from '../../shared/locale.ts';
import { errorSummary } from '../../shared/page.ts';
import { findAgency } from '../../shared/agencies.ts';
import { PAYMENT_METHODS, type InputError, type PaymentMethod } from '../processors/processor.ts';
import { settlementAccountOf } from '../payees.ts';
import type { Payment } from '../payments.ts';
import { M } from '../messages.ts';

export type { PageBody } from '../../shared/respond.ts';
import type { PageBody } from '../../shared/respond.ts';

export const payeeName = (locale: Locale, payment: Payment) => findAgency(payment.agency)?.name[locale] ?? payment.agency;

const STATUS: Record<Payment['status'], keyof typeof M> = {
  created: 'statusCreated', authorized: 'statusAuthorized', processing: 'statusProcessing', paid: 'statusPaid', declined: 'statusDeclined',
};

export const statusText = (locale: Locale, payment: Payment) => M[STATUS[payment.status]][locale];

// UX.md: a payment approval shows the amount and the payee, large.
function summary(locale: Locale, payment: Payment): Html {
  return html`<dl class="summary-list">
  <div><dt>${M.amount[locale]}</dt><dd class="amount"><bdi dir="ltr" data-amount>${formatMoney(locale, payment.amount, payment.currency)}</bdi></dd></div>
  <div><dt>${M.payee[locale]}</dt><dd data-payee>${payeeName(locale, payment)}</dd></div>
  <div><dt>${M.reference[locale]}</dt><dd><bdi dir="ltr">${payment.reference}</bdi></dd></div>
</dl>`;
}

export function chooseMethodPage(locale: Locale, payment: Payment, csrf: string, error: boolean): PageBody {
  return {
    title: M.chooseMethod[locale],
    body: html`${errorSummary(locale, error ? [{ field: 'method-card', message: M.methodError[locale] }] : [])}
${payment.status === 'declined' ? html`<div class="notice" role="alert"><p><strong>${M.declined[locale]}.</strong> ${M.declinedBody[locale]}</p></div>` : ''}
<p class="who">${payment.payer?.detailsGranted ? M.confirmedAtHawiya[locale] : M.confirmHere[locale]}</p>
${summary(locale, payment)}
<form method="post" action="/payments/${payment.id}/method" novalidate>
  <input type="hidden" name="csrf" value="${csrf}">
  <fieldset class="field${error ? ' field-error' : ''}">
    <legend><h1>${M.chooseMethod[locale]}</h1></legend>
    ${PAYMENT_METHODS.map((method) => html`<div class="radio"><input type="radio" id="method-${method}" name="method" value="${method}"><label for="method-${method}">${M[method][locale]}</label></div>`)}
  </fieldset>
  <button type="submit" class="button">${M.continue[locale]}</button>
</form>`,
  };
}

const FIELD_TEXT: Record<string, { label: keyof typeof M; hint: keyof typeof M; error: keyof typeof M; autocomplete: string }> = {
  cardNumber: { label: 'cardNumber', hint: 'cardNumberHint', error: 'cardNumberError', autocomplete: 'cc-number' },
  cardExpiry: { label: 'cardExpiry', hint: 'cardExpiryHint', error: 'cardExpiryError', autocomplete: 'cc-exp' },
  cardCvc: { label: 'cardCvc', hint: 'cardCvcHint', error: 'cardCvcError', autocomplete: 'cc-csc' },
  iban: { label: 'iban', hint: 'ibanHint', error: 'ibanError', autocomplete: 'off' },
  phone: { label: 'phone', hint: 'phoneHint', error: 'phoneError', autocomplete: 'tel' },
};

export function methodFormPage(locale: Locale, payment: Payment, method: PaymentMethod, fields: readonly string[], csrf: string, input: { values: Record<string, string>; errors: Array<{ field: string; message: InputError }> }): PageBody {
  const errorFor = (field: string) => input.errors.find((error) => error.field === field);
  return {
    title: M[method][locale],
    body: html`${errorSummary(locale, input.errors.map((error) => ({ field: error.field, message: M[FIELD_TEXT[error.message]!.error][locale] })))}
<h1>${M[method][locale]}</h1>
${summary(locale, payment)}
${method === 'cash' ? html`<p>${M.cashHint[locale]}</p>` : ''}
<form method="post" action="/payments/${payment.id}/pay/${method}" novalidate>
  <input type="hidden" name="csrf" value="${csrf}">
  ${fields.map((field) => {
    const text = FIELD_TEXT[field]!;
    const invalid = Boolean(errorFor(field));
    // Secrets are never shown again: the card number and code are typed afresh.
    const keep = field === 'cardCvc' || field === 'cardNumber' ? '' : input.values[field] ?? '';
    return html`<div class="field${invalid ? ' field-error' : ''}">
    <label for="${field}">${M[text.label][locale]}</label>
    <p class="hint" id="${field}-hint">${M[text.hint][locale]}</p>
    ${invalid ? html`<p class="field-message" id="${field}-error">${M[text.error][locale]}</p>` : ''}
    <input id="${field}" name="${field}" type="text" dir="ltr" inputmode="${field === 'iban' ? 'text' : 'numeric'}" autocomplete="${text.autocomplete}" value="${keep}" spellcheck="false"
      aria-describedby="${field}-hint${invalid ? ` ${field}-error` : ''}"${invalid ? html` aria-invalid="true"` : ''}>
  </div>`;
  })}
  <button type="submit" class="button">${M.payNow[locale]} <bdi dir="ltr">${formatMoney(locale, payment.amount, payment.currency)}</bdi></button>
</form>
<p><a href="/payments/${payment.id}">${M.chooseMethod[locale]}</a></p>`,
  };
}

export function processingPage(locale: Locale, payment: Payment): PageBody {
  const voucher = payment.attempt?.voucherCode;
  return {
    title: M.processing[locale],
    refreshSeconds: 2,
    body: html`<h1>${M.processing[locale]}</h1>
${summary(locale, payment)}
${voucher ? html`<h2>${M.voucher[locale]}</h2><p class="code" dir="ltr" data-voucher>${voucher.replace(/(\d{4})(?=\d)/g, '$1 ')}</p><p>${M.cashHint[locale]}</p>` : ''}
<p role="status">${M.processingBody[locale]}</p>`,
  };
}

export function receiptPage(locale: Locale, payment: Payment, returnUrl: string): PageBody {
  const account = settlementAccountOf(payment.agency);
  return {
    title: M.receiptTitle[locale],
    body: html`<h1>${M.receiptTitle[locale]}</h1>
<dl class="summary-list" data-receipt>
  <div><dt>${M.receiptNumber[locale]}</dt><dd><bdi dir="ltr" class="code" data-receipt-number>${payment.receipt}</bdi></dd></div>
  <div><dt>${M.amount[locale]}</dt><dd class="amount"><bdi dir="ltr">${formatMoney(locale, payment.amount, payment.currency)}</bdi></dd></div>
  <div><dt>${M.payee[locale]}</dt><dd>${payeeName(locale, payment)}${account ? html` (<bdi dir="ltr">${account.iban}</bdi>)` : ''}</dd></div>
  <div><dt>${M.reference[locale]}</dt><dd><bdi dir="ltr">${payment.reference}</bdi></dd></div>
  <div><dt>${M.paidOn[locale]}</dt><dd>${payment.paidAt ? formatDateTime(locale, payment.paidAt) : ''}</dd></div>
  <div><dt>${M.paidBy[locale]}</dt><dd>${payment.payer ? (locale === 'ar' ? payment.payer.nameAr : payment.payer.nameLatin) : ''}</dd></div>
  <div><dt>${M.method[locale]}</dt><dd>${payment.attempt ? M[payment.attempt.method][locale] : ''} ${payment.attempt?.shown ? html`<bdi dir="ltr">${payment.attempt.shown}</bdi>` : ''}</dd></div>
</dl>
<p class="no-print">${M.print[locale]}</p>
<p class="no-print"><a class="button" href="${returnUrl}">${M.backToMerchant[locale]}</a></p>`,
  };
}

export function paymentListPage(locale: Locale, payments: Payment[]): PageBody {
  return {
    title: M.myPayments[locale],
    body: html`<h1>${M.myPayments[locale]}</h1>
${payments.length === 0 ? html`<p>${M.noPayments[locale]}</p>` : html`<table>
<thead><tr><th scope="col">${M.reference[locale]}</th><th scope="col">${M.payee[locale]}</th><th scope="col" class="number">${M.amount[locale]}</th><th scope="col">${M.status[locale]}</th></tr></thead>
<tbody>${payments.map((payment) => html`<tr>
  <td><a href="/payments/${payment.id}"><bdi dir="ltr">${payment.reference}</bdi></a></td>
  <td>${payeeName(locale, payment)}</td>
  <td class="number"><bdi dir="ltr">${formatMoney(locale, payment.amount, payment.currency)}</bdi></td>
  <td><span class="tag${payment.status === 'paid' ? ' tag-ok' : ''}">${statusText(locale, payment)}</span></td>
</tr>`)}</tbody></table>`}`,
  };
}

export function messagePage(locale: Locale, title: string, message: string): PageBody {
  return { title, body: html`<h1>${title}</h1><p>${message}</p>` };
}
