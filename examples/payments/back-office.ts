// The agency finance back office, for agency staff. Who may see which agency comes from
// Hawiya's claims: an `agency_roles` entry "finance:<agency id>" (the gateway is registered
// with the agency_roles scope; operators keep the roles with `hawiya agencies staff`).
// The roles are read at sign-in: a role taken away ends at the next sign-in.
import type Router from '@koa/router';
import type { Context } from 'koa';
import { html } from '../shared/html.ts';
import { formatMoney, pickLocale, type Locale } from '../shared/locale.ts';
import { findAgency } from '../shared/agencies.ts';
import { reaches } from '../shared/chrome-messages.ts';
import { startSignIn, type SignInDeps } from '../shared/sign-in.ts';
import type { Session, Sessions, Person } from '../shared/sessions.ts';
import type { Payments } from './payments.ts';
import { dailySettlement, paidOn, transactionsCsv, type SettlementLine } from './finance.ts';
import type { PageBody } from './pages/payment-pages.ts';
import { M } from './messages.ts';
import { B } from './back-office-messages.ts';

export const FINANCE_ROLE = /^finance:([a-z-]+)$/;

export function financeAgencies(person: Person): string[] {
  return person.roles.flatMap((role) => FINANCE_ROLE.exec(role)?.[1] ?? []).filter((agency) => findAgency(agency));
}

const today = () => new Date().toISOString().slice(0, 10);
const dayOf = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : today());

function linesTable(locale: Locale, caption: string, lines: SettlementLine[], label: (key: string) => string) {
  return html`<table><caption class="visually-hidden">${caption}</caption>
<thead><tr><th scope="col">${caption}</th><th scope="col" class="number">${B.count[locale]}</th><th scope="col" class="number">${B.total[locale]}</th></tr></thead>
<tbody>${lines.map((line) => html`<tr><td>${label(line.key)}</td><td class="number">${line.count}</td><td class="number"><bdi dir="ltr">${formatMoney(locale, line.total, 'HWD')}</bdi></td></tr>`)}</tbody></table>`;
}

function agencyPage(locale: Locale, payments: Payments, agency: string, date: string): PageBody {
  const name = findAgency(agency)?.name[locale] ?? agency;
  const transactions = paidOn(payments.all(), [agency], date);
  const report = dailySettlement(payments.all(), [agency], date);
  return {
    title: `${B.title[locale]}: ${name}`,
    body: html`<p class="who">${name}</p>
<h1>${B.title[locale]}</h1>
<form method="get" action="/back-office/${agency}" class="no-print">
  <div class="field"><label for="date">${B.day[locale]}</label><input id="date" name="date" type="text" dir="ltr" value="${date}" inputmode="numeric"></div>
  <button type="submit" class="button button-secondary">${B.show[locale]}</button>
</form>
<h2>${B.settlement[locale]} <bdi dir="ltr">${date}</bdi></h2>
<h3>${B.byAgency[locale]}</h3>${linesTable(locale, B.byAgency[locale], report.byAgency, (key) => findAgency(key)?.name[locale] ?? key)}
<h3>${B.byAccount[locale]}</h3>${linesTable(locale, B.byAccount[locale], report.byAccount, (key) => key)}
<h3>${B.byMethod[locale]}</h3>${linesTable(locale, B.byMethod[locale], report.byMethod, (key) => (key in M ? M[key as 'card'][locale] : key))}
<h2>${B.transactions[locale]}</h2>
${transactions.length === 0 ? html`<p>${B.noTransactions[locale]}</p>` : html`<table>
<thead><tr><th scope="col">${B.time[locale]}</th><th scope="col">${B.receipt[locale]}</th><th scope="col">${B.reference[locale]}</th><th scope="col" class="number">${B.amount[locale]}</th></tr></thead>
<tbody>${transactions.map((payment) => html`<tr><td><bdi dir="ltr">${payment.paidAt?.slice(11, 19)}</bdi></td><td><bdi dir="ltr">${payment.receipt}</bdi></td><td><bdi dir="ltr">${payment.reference}</bdi></td><td class="number"><bdi dir="ltr">${formatMoney(locale, payment.amount, payment.currency)}</bdi></td></tr>`)}</tbody></table>`}
<p class="no-print"><a href="/back-office/${agency}/transactions.csv?date=${date}" download>${B.csv[locale]}</a></p>`,
  };
}

export function mountBackOffice(router: Router, deps: { payments: Payments; sessions: Sessions; signIn: SignInDeps; localeCookie: string; render(ctx: Context, locale: Locale, page: PageBody, session?: Session): void }): void {
  // The staff member's session at substantial, and the agencies they may see.
  const staff = async (ctx: Context, locale: Locale): Promise<{ session: Session; agencies: string[] } | undefined> => {
    const session = deps.sessions.current(ctx);
    if (!session?.person || !reaches(session.person.acr, 'substantial')) {
      await startSignIn(deps.signIn, ctx, { level: 'substantial', returnTo: ctx.path, locale });
      return undefined;
    }
    const agencies = financeAgencies(session.person);
    if (agencies.length === 0) {
      ctx.status = 403;
      deps.render(ctx, locale, { title: B.noRole[locale], body: html`<h1>${B.noRole[locale]}</h1><p>${B.noRoleBody[locale]}</p>` }, session);
      return undefined;
    }
    return { session, agencies };
  };

  router.get('/back-office', async (ctx) => {
    const locale = pickLocale(ctx, deps.localeCookie);
    const found = await staff(ctx, locale);
    if (!found) return;
    if (found.agencies.length === 1) return ctx.redirect(`/back-office/${found.agencies[0]}`);
    deps.render(ctx, locale, {
      title: B.title[locale],
      body: html`<h1>${B.title[locale]}</h1><ul class="item-list">${found.agencies.map((agency) => html`<li><a href="/back-office/${agency}">${findAgency(agency)?.name[locale]}</a></li>`)}</ul>`,
    }, found.session);
  });

  router.get('/back-office/:agency', async (ctx) => {
    const locale = pickLocale(ctx, deps.localeCookie);
    const found = await staff(ctx, locale);
    if (!found) return;
    if (!found.agencies.includes(ctx.params.agency!)) ctx.throw(403, 'not your agency');
    deps.render(ctx, locale, agencyPage(locale, deps.payments, ctx.params.agency!, dayOf(ctx.query.date)), found.session);
  });

  router.get('/back-office/:agency/transactions.csv', async (ctx) => {
    const locale = pickLocale(ctx, deps.localeCookie);
    const found = await staff(ctx, locale);
    if (!found) return;
    const agency = ctx.params.agency!;
    if (!found.agencies.includes(agency)) ctx.throw(403, 'not your agency');
    const date = dayOf(ctx.query.date);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`${agency}-${date}.csv`);
    ctx.body = transactionsCsv(paidOn(deps.payments.all(), [agency], date));
  });
}
