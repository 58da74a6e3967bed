// The frame of every example page: <html lang dir>, a skip link, the header band with
// the service's name and the language links, who is signed in and at which level, and
// the footer. One primary thing per page goes in `body`.
import { html, type Html } from './html.ts';
import { CHROME, LEVEL_NAMES, levelOfAcr } from './chrome-messages.ts';
import { LOCALES, LANGUAGE_NAMES, dirOf, type Locale, type Text } from './locale.ts';

export interface SignedInPerson {
  name: string;
  acr: string;
  csrf: string;
}

export interface PageInput {
  locale: Locale;
  title: string;
  service: Text;
  tagline?: Text | undefined;
  body: Html;
  // The current path and query, to build the language links.
  path: string;
  person?: SignedInPerson | undefined;
  // A page that waits for something (a payment processor) reloads itself, without script.
  refreshSeconds?: number | undefined;
}

function languageHref(path: string, locale: Locale): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', locale);
  return `${url.pathname}${url.search}`;
}

function signedInBand(locale: Locale, person: SignedInPerson): Html {
  const level = levelOfAcr(person.acr);
  return html`<div class="signed-in"><div class="signed-in-inner">
  <p>${CHROME.signedInAs[locale]} <strong data-person-name>${person.name}</strong>. ${CHROME.level[locale]}: <strong data-level>${level ? LEVEL_NAMES[level][locale] : person.acr}</strong></p>
  <form method="post" action="/logout" class="inline-form"><input type="hidden" name="csrf" value="${person.csrf}"><button type="submit" class="link-button">${CHROME.signOut[locale]}</button></form>
</div></div>`;
}

export function renderPage(input: PageInput): string {
  const { locale } = input;
  return `<!doctype html>
${html`<html lang="${locale}" dir="${dirOf(locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${input.refreshSeconds ? html`<meta http-equiv="refresh" content="${input.refreshSeconds}">` : ''}
<title>${input.title} – ${input.service[locale]}</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">${CHROME.skip[locale]}</a>
<header class="band"><div class="band-inner">
  <a class="service-name" href="/">${input.service[locale]}</a>
  <span class="tagline">${input.tagline?.[locale] ?? ''}</span>
  <nav class="languages" aria-label="${CHROME.language[locale]}">
    ${LOCALES.map((code) => (code === locale
      ? html`<span lang="${code}" aria-current="true">${LANGUAGE_NAMES[code]}</span>`
      : html`<a lang="${code}" hreflang="${code}" href="${languageHref(input.path, code)}">${LANGUAGE_NAMES[code]}</a>`))}
  </nav>
</div></header>
${input.person ? signedInBand(locale, input.person) : ''}
<main id="main" tabindex="-1">
${input.body}
</main>
<footer class="footer"><p>${CHROME.footer[locale]}</p></footer>
</body>
</html>`}`;
}

// An error summary linking to each field in error (UX.md: errors).
export function errorSummary(locale: Locale, errors: Array<{ field: string; message: string }>): Html {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1">
  <h2>${CHROME.errorSummary[locale]}</h2>
  <ul>${errors.map((error) => html`<li><a href="#${error.field}">${error.message}</a></li>`)}</ul>
</div>`;
}
