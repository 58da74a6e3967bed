// The three languages of the examples, and how a page picks one: the `lang` query
// parameter (a link in the header), then the app's language cookie, then
// Accept-Language, then Arabic. Arabic is written right to left.
import type { Context } from 'koa';

export const LOCALES = ['ar', 'fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type Text = Record<Locale, string>;

export const LANGUAGE_NAMES: Text = { ar: 'العربية', fr: 'Français', en: 'English' };

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
export const dirOf = (locale: Locale) => (locale === 'ar' ? 'rtl' : 'ltr');

function fromAcceptLanguage(header: string | undefined): Locale | undefined {
  for (const entry of (header ?? '').split(',')) {
    const tag = entry.split(';')[0]?.trim().slice(0, 2).toLowerCase();
    if (isLocale(tag)) return tag;
  }
  return undefined;
}

export function pickLocale(ctx: Context, cookieName: string): Locale {
  const asked = ctx.query.lang;
  if (isLocale(asked)) {
    ctx.cookies.set(cookieName, asked, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000 });
    return asked;
  }
  const kept = ctx.cookies.get(cookieName);
  if (isLocale(kept)) return kept;
  return fromAcceptLanguage(ctx.get('accept-language')) ?? 'ar';
}

// Money and dates in the reader's language; digits stay Latin in Arabic too, as on the
// forms and receipts people compare them with.
export function formatMoney(locale: Locale, amount: string, currency: string): string {
  const formatted = new Intl.NumberFormat(`${locale}-u-nu-latn`, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Number(amount));
  return `${formatted} ${currency}`;
}

export function formatDateTime(locale: Locale, iso: string): string {
  return new Intl.DateTimeFormat(`${locale}-u-nu-latn`, { dateStyle: 'long', timeStyle: 'short' }).format(new Date(iso));
}
