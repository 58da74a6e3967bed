// Signing a request's PDF form: the section on the request's page (sign, or the signed
// form and Hawiya's verdict), the page before Hawiya's approval (the verification code,
// large), and the page for a person without a signing certificate.
import { html, type Html } from '../../shared/html.ts';
import { formatDateTime, type Locale } from '../../shared/locale.ts';
import type { ServiceRequest } from '../requests.ts';
import { M } from '../messages.ts';
import type { PageBody } from './catalogue-pages.ts';

const CHECKS = [
  ['integrity', M.checkIntegrity], ['chain', M.checkChain], ['validityAtSigningTime', M.checkValidity], ['revocation', M.checkRevocation], ['keyUsage', M.checkKeyUsage],
] as const;

function verdict(locale: Locale, signature: NonNullable<ServiceRequest['signature']>): Html {
  const result = signature.verdict;
  if (!result) return html``;
  return html`<h3>${M.checkedByHawiya[locale]}</h3>
<p class="notice${result.valid ? ' notice-ok' : ''}" data-verdict="${result.valid ? 'valid' : 'invalid'}">${result.valid ? M.verdictValid[locale] : M.verdictInvalid[locale]}</p>
<dl class="summary-list">
  <div><dt>${M.signedBy[locale]}</dt><dd data-signer>${result.signerName}</dd></div>
  ${signature.signedAt ? html`<div><dt>${M.signedOn[locale]}</dt><dd>${formatDateTime(locale, signature.signedAt)}</dd></div>` : ''}
  ${CHECKS.map(([key, label]) => html`<div><dt>${label[locale]}</dt><dd data-check="${key}">${result.checks[key] === 'passed' ? M.checkPassed[locale] : M.checkFailed[locale]}</dd></div>`)}
</dl>`;
}

export function signingSection(locale: Locale, request: ServiceRequest, csrf: string): Html {
  const signature = request.signature;
  if (signature?.state === 'signed') {
    return html`<section aria-labelledby="signing"><h2 id="signing">${M.signTitle[locale]}</h2>
<div class="notice notice-ok" role="status"><p>${M.signedNotice[locale]}</p></div>
<p><a class="button" href="/requests/${request.id}/signed.pdf" download data-download>${M.downloadSigned[locale]}</a></p>
${verdict(locale, signature)}</section>`;
  }
  return html`<section aria-labelledby="signing"><h2 id="signing">${M.signTitle[locale]}</h2>
<p>${M.signIntro[locale]}</p>
${locale === 'ar' ? html`<p class="hint">${M.formInFrench[locale]}</p>` : ''}
<form method="post" action="/requests/${request.id}/sign"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="button">${M.signButton[locale]}</button></form></section>`;
}

export function approvePage(locale: Locale, request: ServiceRequest, label: string, code: string): PageBody {
  return {
    title: M.approveTitle[locale],
    body: html`<h1>${M.approveTitle[locale]}</h1>
<dl class="summary-list"><div><dt>${M.document[locale]}</dt><dd><bdi>${label}</bdi></dd></div></dl>
<p>${M.verificationCode[locale]}</p>
<p class="verification-code"><bdi dir="ltr" data-verification-code>${code}</bdi></p>
<p>${M.approveIntro[locale]}</p>
<p><a class="button" href="/requests/${request.id}/sign/approve">${M.continueToHawiya[locale]}</a></p>
<p><a href="/requests/${request.id}">${M.back[locale]}</a></p>`,
  };
}

export function noCertificatePage(locale: Locale, request: ServiceRequest, accountUrl: string): PageBody {
  return {
    title: M.noCertificateTitle[locale],
    body: html`<h1>${M.noCertificateTitle[locale]}</h1>
<p>${M.noCertificate[locale]}</p>
<p><a class="button" href="${accountUrl}" data-get-certificate>${M.getCertificate[locale]}</a></p>
<p><a href="/requests/${request.id}">${M.back[locale]}</a></p>`,
  };
}

export function signingFailedPage(locale: Locale, request: ServiceRequest, message: string): PageBody {
  return {
    title: M.signTitle[locale],
    body: html`<h1>${M.signTitle[locale]}</h1><div class="error-summary" role="alert"><p>${message}</p></div>
<p><a class="button" href="/requests/${request.id}">${M.tryAgain[locale]}</a></p>`,
  };
}
