// How an example app answers with a page: its body inside the shared chrome, with the
// signed-in band (name, level, sign-out) when the session has a person.
import type { Context } from 'koa';
import { renderPage } from './page.ts';
import { personName } from './sign-in.ts';
import type { Html } from './html.ts';
import type { Locale, Text } from './locale.ts';
import type { Session } from './sessions.ts';

export interface PageBody {
  title: string;
  body: Html;
  refreshSeconds?: number;
}

export function pageResponder(chrome: { service: Text; tagline?: Text }) {
  return (ctx: Context, locale: Locale, page: PageBody, session?: Session): void => {
    const person = session?.person;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = renderPage({
      locale, title: page.title, service: chrome.service, tagline: chrome.tagline, body: page.body, path: ctx.originalUrl, refreshSeconds: page.refreshSeconds,
      person: person && session ? { name: personName(person, locale), acr: person.acr, csrf: session.csrf } : undefined,
    });
  };
}
