// One render helper: every page goes through the layout with the locale, direction,
// translation function and language links.
import { join } from 'node:path';
import { Eta } from 'eta';
import type { AppContext } from './context.ts';
import { LOCALES, direction, translate, type Locale } from './i18n.ts';

const eta = new Eta({ views: join(import.meta.dirname, '..', '..', 'views'), cache: true, autoEscape: true });

const LANGUAGE_LABELS: Record<Locale, string> = { ar: 'العربية', fr: 'Français', en: 'English' };

// Links to the same page in each language. A page answering a POST links to the page
// the form came from (`pagePath`), or to none: a GET on a form's action would fail.
function languageLinks(ctx: AppContext, pagePath: string | undefined) {
  const path = pagePath ?? (ctx.method === 'GET' ? ctx.path : undefined);
  return LOCALES.map((code) => {
    const params = new URLSearchParams(pagePath ? '' : ctx.querystring);
    params.set('lang', code);
    return { code, label: LANGUAGE_LABELS[code], href: path ? `${path}?${params.toString()}` : undefined };
  });
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, vars) => translate(locale, key, vars);
}

export function renderPage(ctx: AppContext, view: string, data: Record<string, unknown> = {}): void {
  const { locale } = ctx.state;
  ctx.type = 'html';
  ctx.set('Content-Language', locale);
  ctx.body = eta.render(view, {
    ...data,
    locale,
    dir: direction(locale),
    t: translator(locale),
    languages: languageLinks(ctx, typeof data.pagePath === 'string' ? data.pagePath : undefined),
  });
}
