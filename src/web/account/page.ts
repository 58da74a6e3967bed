// Rendering an account page (the section's navigation, the person's name, the CSRF
// token bound to their session) and reading its forms.
import type { AccountContext, AccountDeps } from './context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { Person } from '../../register/persons.ts';
import type { Locale } from '../i18n.ts';

export type Section = 'profile' | 'security' | 'signature' | 'sessions' | 'services' | 'activity' | 'language';

export function displayName(person: Person, locale: Locale): string {
  const names = locale === 'ar' ? person.names.ar : person.names.lat;
  return `${names.given} ${names.family}`;
}

export function renderAccountPage(deps: AccountDeps, ctx: AccountContext, view: string, section: Section, data: Record<string, unknown> = {}): void {
  const { me } = ctx.state;
  renderPage(ctx, `account/${view}`, {
    notice: undefined, error: undefined,
    ...data,
    section,
    csrf: deps.csrf.token(me.session.uid),
    displayName: displayName(me.person, ctx.state.locale),
  });
}

// The form, with its CSRF token checked against the session it was rendered for.
export async function postedForm(deps: AccountDeps, ctx: AccountContext): Promise<URLSearchParams> {
  const form = await readForm(ctx, deps.maxBodyBytes);
  deps.csrf.assert(ctx.state.me.session.uid, form.get('csrf'));
  return form;
}

// The message key of a change just made (?done=…), if the page knows it.
export function noticeOf(ctx: AccountContext, known: Record<string, string>): string | undefined {
  const done = ctx.query.done;
  return typeof done === 'string' && Object.hasOwn(known, done) ? known[done] : undefined;
}

export function redirectAfterPost(ctx: AccountContext, path: string, done: string): void {
  ctx.status = 303;
  ctx.redirect(`${path}?done=${done}`);
}

export interface Confirmation {
  title: string;
  // What the action does, in the person's words; the last names its effect.
  paragraphs: string[];
  action: string;
  button: string;
  back: string;
}

// A destructive change asks first, on its own page, and names its effect.
export function renderConfirmation(deps: AccountDeps, ctx: AccountContext, section: Section, confirmation: Confirmation): void {
  renderAccountPage(deps, ctx, 'confirm', section, { ...confirmation });
}
