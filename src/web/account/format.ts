// Dates, counts and devices in the page's language.
import type { Locale } from '../i18n.ts';
import type { Translate } from '../render.ts';

// A calendar date (a birth date) is the date it is, in no time zone.
export function formatCalendarDate(locale: Locale, isoDate: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

export function formatMoment(locale: Locale, moment: Date): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }).format(moment);
}

export function formatCount(locale: Locale, count: number): string {
  return new Intl.NumberFormat(locale).format(count);
}

const BROWSERS: ReadonlyArray<[string, string]> = [
  ['Edg/', 'Edge'], ['OPR/', 'Opera'], ['SamsungBrowser/', 'Samsung Internet'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Safari/', 'Safari'],
];
const SYSTEMS: ReadonlyArray<[string, string]> = [
  ['Android', 'Android'], ['iPhone', 'iPhone'], ['iPad', 'iPad'], ['Windows', 'Windows'], ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux'],
];

// "Firefox on Android" from a user agent; anything else, shortened as it came.
export function describeDevice(t: Translate, userAgent: string): string {
  const browser = BROWSERS.find(([token]) => userAgent.includes(token))?.[1];
  const system = SYSTEMS.find(([token]) => userAgent.includes(token))?.[1];
  if (browser && system) return t('account.device.on', { browser, system });
  const short = userAgent.trim().slice(0, 40);
  return short || t('account.device.unknown');
}

const SCOPES_IN_WORDS = new Set(['openid', 'profile', 'offline_access', 'gender', 'national_id', 'verified_claims', 'agency_roles']);

export function scopeInWords(t: Translate, scope: string): string {
  return SCOPES_IN_WORDS.has(scope) ? t(`consent.claims.${scope}`) : scope;
}

// Groups of four, as authenticator apps show and people type them.
export function groupSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(' ') ?? secret;
}
