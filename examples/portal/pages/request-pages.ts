// A paid service's request form, the person's requests, and one request with its payment.
import { html, type Html } from '../../shared/html.ts';
import { formatDateTime, formatMoney, type Locale } from '../../shared/locale.ts';
import { errorSummary } from '../../shared/page.ts';
import type { PaidService } from '../catalogue/index.ts';
import { findService } from '../catalogue/index.ts';
import type { ServiceRequest } from '../requests.ts';
import { M } from '../messages.ts';
import type { PageBody } from './catalogue-pages.ts';
import { signingSection } from './signing-pages.ts';

export interface FormState {
  value: string;
  error?: string | undefined;
}

function inputField(locale: Locale, service: PaidService, state: FormState): Html {
  const input = service.input;
  if (input.kind === 'none') return html``;
  const label = input.kind === 'copies' ? M.copies[locale] : input.label[locale];
  const hint = input.kind === 'copies' ? M.copiesHint[locale] : input.hint[locale];
  const invalid = Boolean(state.error);
  return html`<div class="field${invalid ? ' field-error' : ''}">
  <label for="detail">${label}</label>
  <p class="hint" id="detail-hint">${hint}</p>
  ${invalid ? html`<p class="field-message" id="detail-error">${state.error}</p>` : ''}
  <input id="detail" name="detail" type="text" dir="ltr" value="${state.value}" ${input.kind === 'copies' ? html`inputmode="numeric"` : html`autocapitalize="characters"`} spellcheck="false"
    aria-describedby="detail-hint${invalid ? ' detail-error' : ''}"${invalid ? html` aria-invalid="true"` : ''}>
</div>`;
}

export function requestFormPage(locale: Locale, service: PaidService, csrf: string, state: FormState): PageBody {
  return {
    title: `${M.requestTitle[locale]}: ${service.name[locale]}`,
    body: html`${errorSummary(locale, state.error ? [{ field: 'detail', message: state.error }] : [])}
<h1>${service.name[locale]}</h1>
<form method="post" action="/services/${service.id}/request" novalidate>
  <input type="hidden" name="csrf" value="${csrf}">
  ${inputField(locale, service, state)}
  <button type="submit" class="button">${M.submitRequest[locale]}</button>
</form>`,
  };
}

function statusText(locale: Locale, request: ServiceRequest): string {
  return request.status === 'paid' ? M.statusPaid[locale] : request.status === 'payment_started' ? M.statusStarted[locale] : M.statusAwaiting[locale];
}

const serviceName = (locale: Locale, request: ServiceRequest) => findService(request.serviceId)?.name[locale] ?? request.serviceId;

export function requestListPage(locale: Locale, requests: ServiceRequest[]): PageBody {
  return {
    title: M.myRequests[locale],
    body: html`<h1>${M.myRequests[locale]}</h1>
${requests.length === 0 ? html`<p>${M.noRequests[locale]}</p>` : html`<table>
<thead><tr><th scope="col">${M.reference[locale]}</th><th scope="col">${M.details[locale]}</th><th scope="col" class="number">${M.amount[locale]}</th><th scope="col">${M.status[locale]}</th></tr></thead>
<tbody>${requests.map((request) => html`<tr>
  <td><a href="/requests/${request.id}"><bdi dir="ltr">${request.reference}</bdi></a></td>
  <td>${serviceName(locale, request)}</td>
  <td class="number"><bdi dir="ltr">${formatMoney(locale, request.amount, request.currency)}</bdi></td>
  <td><span class="tag${request.status === 'paid' ? ' tag-ok' : ''}" data-status="${request.status}">${statusText(locale, request)}</span></td>
</tr>`)}</tbody></table>`}
<p><a href="/">${M.homeTitle[locale]}</a></p>`,
  };
}

export function requestPage(locale: Locale, request: ServiceRequest, csrf: string): PageBody {
  const service = findService(request.serviceId);
  const payForm = html`<form method="post" action="/requests/${request.id}/pay"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="button">${request.status === 'payment_started' ? M.payAgain[locale] : M.pay[locale]}</button></form>`;
  return {
    title: `${M.requestTitle[locale]} ${request.reference}`,
    ...(request.status === 'payment_started' ? { refreshSeconds: 3 } : {}),
    body: html`${request.status === 'paid' ? html`<div class="notice notice-ok" role="status"><p>${M.paidNotice[locale]}</p></div>` : ''}
<h1>${serviceName(locale, request)}</h1>
<dl class="summary-list">
  <div><dt>${M.reference[locale]}</dt><dd><bdi dir="ltr" data-reference>${request.reference}</bdi></dd></div>
  ${request.detail ? html`<div><dt>${M.details[locale]}</dt><dd><bdi dir="ltr">${request.detail}</bdi></dd></div>` : ''}
  <div><dt>${M.amount[locale]}</dt><dd><bdi dir="ltr">${formatMoney(locale, request.amount, request.currency)}</bdi></dd></div>
  <div><dt>${M.created[locale]}</dt><dd>${formatDateTime(locale, request.createdAt)}</dd></div>
  <div><dt>${M.status[locale]}</dt><dd><span class="tag${request.status === 'paid' ? ' tag-ok' : ''}" data-status="${request.status}">${statusText(locale, request)}</span></dd></div>
  ${request.paidAt ? html`<div><dt>${M.paidOn[locale]}</dt><dd>${formatDateTime(locale, request.paidAt)}</dd></div>` : ''}
  ${request.receipt ? html`<div><dt>${M.receipt[locale]}</dt><dd><bdi dir="ltr">${request.receipt}</bdi></dd></div>` : ''}
</dl>
${request.status === 'payment_started' ? html`<p role="status">${M.waiting[locale]}</p>` : ''}
${request.status !== 'paid' ? payForm : ''}
${service?.kind === 'paid' && service.signsForm ? signingSection(locale, request, csrf) : ''}
<p><a href="/requests">${M.myRequests[locale]}</a></p>`,
  };
}

export function signInFailedPage(locale: Locale, message: string, retry: string): PageBody {
  return {
    title: M.signInFailed[locale],
    body: html`<h1>${M.signInFailed[locale]}</h1><p>${message}</p><p><a class="button" href="${retry}">${M.tryAgain[locale]}</a></p><p><a href="/">${M.homeTitle[locale]}</a></p>`,
  };
}
