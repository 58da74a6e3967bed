// Turns a queued notice into words, in the notice's language: a subject and a body for
// e-mail, and a short text for SMS. The words are in locales/ (notices.<template>.*); the
// payload fills their placeholders. Rendered at delivery, not when queued, so a corrected
// translation reaches notices still waiting.
import type { Queryable } from '../db/db.ts';
import { isLocale, translate, type Locale } from '../web/i18n.ts';
import { parseNoticePayload } from './templates.ts';

export interface RenderedNotice {
  subject: string;
  body: string;
  sms: string;
}

interface Renderable {
  template: string;
  locale: string;
  payload: Record<string, unknown>;
}

const NAME_COLUMNS: Record<Locale, string> = { ar: 'name_ar', fr: 'name_fr', en: 'name_en' };

// The office's name in the notice's language; its code if the office is unknown.
async function officeName(db: Queryable, code: string, locale: Locale): Promise<string> {
  const { rows } = await db.query<{ name: string }>(`SELECT ${NAME_COLUMNS[locale]} AS name FROM offices WHERE code = $1`, [code]);
  return rows[0]?.name ?? code;
}

function formatDate(locale: Locale, isoDate: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${isoDate}T00:00:00Z`));
}

// Payload fields as the sentences use them: names for codes, dates in the locale.
async function variables(db: Queryable, locale: Locale, payload: Record<string, unknown>): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (typeof value === 'string') vars[key] = value;
  }
  if (typeof payload.officeCode === 'string') vars.office = await officeName(db, payload.officeCode, locale);
  if (typeof payload.expiresOn === 'string') vars.expiresOn = formatDate(locale, payload.expiresOn);
  if (typeof payload.reason === 'string') vars.reason = translate(locale, `notices.reasons.${payload.reason}`);
  return vars;
}

export async function renderNotice(db: Queryable, notice: Renderable): Promise<RenderedNotice> {
  const payload = parseNoticePayload(notice.template, notice.payload);
  const locale: Locale = isLocale(notice.locale) ? notice.locale : 'ar';
  const vars = await variables(db, locale, payload);
  const key = `notices.${notice.template}`;
  return {
    subject: translate(locale, `${key}.subject`, vars),
    body: `${translate(locale, `${key}.body`, vars)}\n\n${translate(locale, 'notices.footer')}`,
    sms: translate(locale, `${key}.sms`, vars),
  };
}
