// The catalogue's pages: the agencies, an agency's services, one service.
import { html, type Html } from '../../shared/html.ts';
import { formatMoney, type Locale } from '../../shared/locale.ts';
import { AGENCIES, CURRENCY, servicesOf, type Service } from '../catalogue/index.ts';
import type { Agency } from '../../shared/agencies.ts';
import { M } from '../messages.ts';

export type { PageBody } from '../../shared/respond.ts';
import type { PageBody } from '../../shared/respond.ts';

export function homePage(locale: Locale): PageBody {
  return {
    title: M.homeTitle[locale],
    body: html`<h1>${M.homeTitle[locale]}</h1>
<p>${M.homeIntro[locale]}</p>
<p><a href="/requests">${M.myRequests[locale]}</a></p>
<h2>${M.agencies[locale]}</h2>
<ul class="item-list">
${AGENCIES.map((agency) => html`<li><a href="/agencies/${agency.id}">${agency.name[locale]}</a>
  <p class="hint">${M.servicesCount[locale]}: <bdi>${servicesOf(agency.id).length}</bdi></p></li>`)}
</ul>`,
  };
}

function serviceTag(locale: Locale, service: Service): Html {
  return service.kind === 'paid'
    ? html`<span class="tag">${M.paid[locale]}: <bdi dir="ltr">${formatMoney(locale, service.fee, CURRENCY)}</bdi></span>`
    : html`<span class="tag">${M.information[locale]}</span>`;
}

export function agencyPage(locale: Locale, agency: Agency): PageBody {
  return {
    title: agency.name[locale],
    body: html`<h1>${agency.name[locale]}</h1>
<ul class="item-list">
${servicesOf(agency.id).map((service) => html`<li><a href="/services/${service.id}">${service.name[locale]}</a> ${serviceTag(locale, service)}
  <p class="hint">${service.summary[locale]}</p></li>`)}
</ul>
<p><a href="/">${M.back[locale]}</a></p>`,
  };
}

export function servicePage(locale: Locale, service: Service, agency: Agency): PageBody {
  const body = service.kind === 'info'
    ? html`<p>${service.body[locale]}</p>`
    : html`<dl class="summary-list"><div><dt>${service.input.kind === 'copies' ? M.feePerCopy[locale] : M.fee[locale]}</dt><dd><bdi dir="ltr">${formatMoney(locale, service.fee, CURRENCY)}</bdi></dd></div></dl>
${service.signsForm ? html`<p class="notice">${M.signsForm[locale]}</p>` : ''}
<p class="hint">${M.startNeedsSignIn[locale]}</p>
<p><a class="button" href="/services/${service.id}/request">${M.start[locale]}</a></p>`;
  return {
    title: service.name[locale],
    body: html`<p class="who">${agency.name[locale]}</p>
<h1>${service.name[locale]}</h1>
<p>${service.summary[locale]}</p>
${body}
<p><a href="/agencies/${agency.id}">${M.back[locale]}</a></p>`,
  };
}

export function notFoundPage(locale: Locale): PageBody {
  return { title: M.notFound[locale], body: html`<h1>${M.notFound[locale]}</h1><p><a href="/">${M.homeTitle[locale]}</a></p>` };
}
