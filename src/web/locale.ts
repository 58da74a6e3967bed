// The page language: ?lang= (a click on the language links, remembered in a cookie),
// then the client's ui_locales (interaction pages), then the language cookie, then
// Accept-Language, then the default.
import type { AppContext, AppMiddleware } from './context.ts';
import { isLocale, pickLocale, type Locale } from './i18n.ts';

export const LOCALE_COOKIE = 'hawiya_lang';

export function localeFor(ctx: AppContext, defaultLocale: Locale, uiLocales?: string): Locale {
  const requested = typeof ctx.query.lang === 'string' ? ctx.query.lang : undefined;
  return pickLocale([requested, uiLocales, ctx.cookies.get(LOCALE_COOKIE, { signed: false }), ctx.get('Accept-Language')]) ?? defaultLocale;
}

export function rememberLocale(ctx: AppContext, chosen: Locale): void {
  ctx.cookies.set(LOCALE_COOKIE, chosen, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, maxAge: 365 * 24 * 3600 * 1000, signed: false, overwrite: true });
}

export function locale(defaultLocale: Locale): AppMiddleware {
  return async (ctx, next) => {
    const requested = ctx.query.lang;
    if (isLocale(requested)) rememberLocale(ctx, requested);
    // Worked out on first use (most API requests never render a page), and settable by
    // pages that know better (the interaction's ui_locales).
    let chosen: Locale | undefined;
    Object.defineProperty(ctx.state, 'locale', {
      get: () => (chosen ??= localeFor(ctx, defaultLocale)),
      set: (value: Locale) => { chosen = value; },
      configurable: true,
      enumerable: true,
    });
    await next();
  };
}
