// The form of a request, as a one-page PDF for the person to sign. pdf-lib's standard
// fonts (Helvetica) cover Latin script only (WinAnsi), and no font with Arabic glyphs
// ships in node_modules, so an Arabic page gets its form in French, the person's name in
// Latin script as Hawiya releases it (README.md says so).
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import type { Locale, Text } from '../shared/locale.ts';

export type FormLocale = 'fr' | 'en';
export const formLocale = (locale: Locale): FormLocale => (locale === 'en' ? 'en' : 'fr');

const F = {
  heading: { fr: 'Formulaire de demande', en: 'Application form' },
  applicant: { fr: 'Demandeur', en: 'Applicant' },
  agency: { fr: 'Administration', en: 'Agency' },
  reference: { fr: 'Référence', en: 'Reference' },
  details: { fr: 'Détails', en: 'Details' },
  amount: { fr: 'Montant', en: 'Amount' },
  date: { fr: 'Date de la demande', en: 'Requested on' },
  declaration: {
    fr: 'Je déclare sur l’honneur que les informations de ce formulaire sont exactes.',
    en: 'I declare that the information in this form is true and complete.',
  },
  signedWith: {
    fr: 'Signé électroniquement avec le certificat de signature Hawiya du demandeur.',
    en: 'Signed electronically with the applicant’s Hawiya signing certificate.',
  },
} satisfies Record<string, Record<FormLocale, string>>;

export interface FormContent {
  service: Text;
  agency: Text;
  applicant: string;
  reference: string;
  detail?: string | undefined;
  amount: string;
  currency: string;
  createdAt: string;
}

// WinAnsi has no narrow or non-breaking spaces (French number and date formats use them).
const winAnsi = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

export async function formPdf(content: FormContent, locale: FormLocale): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(`${content.service[locale]} ${content.reference}`);
  document.setLanguage(locale);
  const page = document.addPage([595, 842]);
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const text = (value: string, x: number, y: number, size = 11, font = regular) => page.drawText(winAnsi(value), { x, y, size, font, color: rgb(0.1, 0.1, 0.1) });
  text(F.heading[locale], 50, 790, 12);
  text(content.service[locale], 50, 765, 18, bold);
  const rows: Array<[string, string]> = [
    [F.applicant[locale], content.applicant],
    [F.agency[locale], content.agency[locale]],
    [F.reference[locale], content.reference],
    ...(content.detail ? [[F.details[locale], content.detail] as [string, string]] : []),
    [F.amount[locale], `${content.amount} ${content.currency}`],
    [F.date[locale], new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(content.createdAt))],
  ];
  rows.forEach(([label, value], index) => {
    text(label, 50, 715 - index * 24, 10);
    text(value, 200, 715 - index * 24, 11, bold);
  });
  text(F.declaration[locale], 50, 715 - rows.length * 24 - 30);
  text(F.signedWith[locale], 50, 715 - rows.length * 24 - 54, 9);
  return document.save({ useObjectStreams: false });
}
