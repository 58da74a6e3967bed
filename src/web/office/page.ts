// Rendering a counter page (navigation, who is signed in, the CSRF token bound to their
// session), reading its forms, and the confirmation step of irreversible actions.
import type { OfficeContext, OfficeDeps } from './context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { StaffActor } from '../../enrolment/staff.ts';
import type { Locale } from '../i18n.ts';

export type Section = 'queue' | 'register' | 'people' | 'approvals' | 'staff';

export function renderOfficePage(deps: OfficeDeps, ctx: OfficeContext, view: string, section: Section | null, data: Record<string, unknown> = {}): void {
  const { clerk } = ctx.state;
  renderPage(ctx, `office/${view}`, {
    notice: undefined, error: undefined, mainClass: 'wide',
    ...data,
    section,
    role: clerk.staff.role,
    csrf: deps.csrf.token(clerk.session.uid),
    staffName: clerk.staff.name,
    officeName: clerk.office ? clerk.office.names[ctx.state.locale] : null,
  });
}

// The form, with its CSRF token checked against the session it was rendered for.
export async function postedForm(deps: OfficeDeps, ctx: OfficeContext): Promise<URLSearchParams> {
  const form = await readForm(ctx, deps.maxBodyBytes);
  deps.csrf.assert(ctx.state.clerk.session.uid, form.get('csrf'));
  return form;
}

export function actorOf(ctx: OfficeContext): StaffActor {
  return { staff: ctx.state.clerk.staff, requestId: ctx.state.requestId, sourceIp: ctx.ip };
}

export function redirectAfterPost(ctx: OfficeContext, path: string, done: string): void {
  ctx.status = 303;
  ctx.redirect(`${path}?done=${done}`);
}

// The message key of a change just made (?done=…), if the page knows it.
export function noticeOf(ctx: OfficeContext, known: readonly string[]): string | undefined {
  const done = ctx.query.done;
  return typeof done === 'string' && known.includes(done) ? `office.done.${done}` : undefined;
}

export interface Confirmation {
  title: string;
  // What the action does; the last paragraph names its effect.
  paragraphs: string[];
  action: string;
  // The form's values, carried to the final post.
  fields: Record<string, string>;
  button: string;
  back: string;
}

// An irreversible action asks first, on its own page, and names its effect.
export function renderConfirmation(deps: OfficeDeps, ctx: OfficeContext, section: Section, confirmation: Confirmation): void {
  renderOfficePage(deps, ctx, 'confirm', section, { ...confirmation, pagePath: confirmation.back });
}

// Dates are typed as day, month and year; the domain reads YYYY-MM-DD. Anything that is
// not three numbers gives a string the domain's schema refuses.
export function dateFromFields(form: URLSearchParams, name: string): string {
  const part = (suffix: string, width: number) => (form.get(`${name}-${suffix}`) ?? '').trim().padStart(width, '0');
  return `${part('year', 4)}-${part('month', 2)}-${part('day', 2)}`;
}

export function dateFields(iso: string | undefined): { day: string; month: string; year: string } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return match ? { year: match[1]!, month: String(Number(match[2])), day: String(Number(match[3])) } : { day: '', month: '', year: '' };
}

// Slips are printed in the citizen's language, whatever the clerk's.
export function inLocale(ctx: OfficeContext, locale: Locale): void {
  ctx.state.locale = locale;
}
