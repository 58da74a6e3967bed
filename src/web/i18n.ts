// One translation function. en.json is canonical; ar and fr are checked (test/unit) to
// have every one of its keys.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCALES = ['ar', 'fr', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Messages = { [key: string]: string | Messages };

const LOCALES_DIR = join(import.meta.dirname, '..', '..', 'locales');

function flatten(messages: Messages, prefix = '', out = new Map<string, string>()): Map<string, string> {
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else flatten(value, path, out);
  }
  return out;
}

export function loadCatalogue(locale: Locale, dir = LOCALES_DIR): Map<string, string> {
  return flatten(JSON.parse(readFileSync(join(dir, `${locale}.json`), 'utf8')) as Messages);
}

const catalogues = new Map<Locale, Map<string, string>>(LOCALES.map((locale) => [locale, loadCatalogue(locale)]));

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function direction(locale: Locale): 'rtl' | 'ltr' {
  return locale === 'ar' ? 'rtl' : 'ltr';
}

// `{name}` placeholders are filled from vars, each wrapped in Unicode isolates (FSI … PDI)
// so a Latin service name or a number keeps its own direction inside an Arabic sentence.
// A missing key shows the key itself, which the locale test catches first.
export function translate(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  const template = catalogues.get(locale)?.get(key) ?? catalogues.get('en')?.get(key) ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? `\u2068${String(vars[name])}\u2069` : whole));
}

// The first supported language in a space-separated list (ui_locales) or an
// Accept-Language header, by order and weight.
export function pickLocale(candidates: Array<string | undefined>): Locale | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue;
    const tags = candidate.split(/[\s,]+/).map((part, index) => {
      const [tag = '', ...params] = part.split(';');
      const q = params.find((param) => param.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), weight: q ? Number(q.trim().slice(2)) || 0 : 1, index };
    }).filter((entry) => entry.tag && entry.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.index - b.index);
    for (const { tag } of tags) {
      const base = tag.split('-')[0];
      if (isLocale(base)) return base;
    }
  }
  return undefined;
}
