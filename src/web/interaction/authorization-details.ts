// What a rich authorization request asks the person to approve, in plain words for the
// consent page: a payment's amount, payee and reference. (A signing request has its own
// approval page, web/signing/signing-approval.ts.)
import type { Locale } from '../i18n.ts';
import { translator } from '../render.ts';
import { parseKnownDetail } from '../../oidc/authorization-details.ts';

export interface ApprovalLine {
  title: string;
  // The amount or the documents: what the person must check, shown large.
  headline: string;
  lines: string[];
}

export function describeAuthorizationDetails(locale: Locale, details: readonly unknown[]): ApprovalLine[] {
  const t = translator(locale);
  return details.map(parseKnownDetail).filter((detail) => detail !== null).map((detail): ApprovalLine => {
    const amount = new Intl.NumberFormat(locale, { style: 'currency', currency: detail.amount.currency }).format(Number(detail.amount.value));
    return {
      title: t('consent.payment.title'),
      headline: amount,
      lines: [t('consent.payment.creditor', { creditor: detail.creditor.name }), t('consent.payment.reference', { reference: detail.reference })],
    };
  });
}
