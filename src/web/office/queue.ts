// The counter's first page: the office's queue of open applications, oldest first, and
// the look-up box (reference code, the QR code's content, or a civil number).
import type Router from '@koa/router';
import type { OfficeContext, OfficeDeps, OfficeState } from './context.ts';
import { counterStaff } from './clerk.ts';
import { noticeOf, renderOfficePage } from './page.ts';
import { AppError } from '../../errors.ts';
import { formatReference, parseReference } from '../../enrolment/codes.ts';
import { luhnValid } from '../../register/person.ts';
import type { Application } from '../../enrolment/applications.ts';
import { formatMoment } from '../account/format.ts';

// The queue page reloads itself this often (public/queue-refresh.js), so new arrivals show.
export const QUEUE_REFRESH_SECONDS = 30;

// A scanner types what the QR code holds: the reference, formatted or not, or a link that
// carries it as its last path segment or as ?reference=.
export function referenceFrom(typed: string): string | null {
  const direct = parseReference(typed);
  if (direct) return direct;
  if (!/^https?:\/\//i.test(typed)) return null;
  try {
    const url = new URL(typed);
    const candidate = url.searchParams.get('reference') ?? url.searchParams.get('ref') ?? url.pathname.split('/').filter(Boolean).at(-1) ?? '';
    return parseReference(candidate);
  } catch {
    return null;
  }
}

async function findApplication(deps: OfficeDeps, typed: string): Promise<Application | null> {
  const digits = typed.replace(/\s/g, '');
  if (/^\d{10}$/.test(digits)) {
    if (!luhnValid(digits)) throw new AppError('invalid_form', { fields: { q: 'office.find.badCivilNumber' } });
    return deps.applications.findOpenByCivilNumber(digits);
  }
  const reference = referenceFrom(typed);
  if (!reference) throw new AppError('invalid_form', { fields: { q: 'office.find.badReference' } });
  return deps.applications.findByReference(reference);
}

async function renderQueue(deps: OfficeDeps, ctx: OfficeContext, extra: { q?: string; error?: AppError } = {}): Promise<void> {
  const officeCode = ctx.state.clerk.staff.officeCode!;
  const { locale } = ctx.state;
  const queue = (await deps.applications.queue(officeCode)).map((application) => ({
    id: application.id,
    reference: formatReference(application.reference),
    name: `${application.submitted.givenName} ${application.submitted.familyName}`,
    channel: application.channel,
    state: application.state,
    createdAt: formatMoment(locale, application.createdAt),
  }));
  if (extra.error) ctx.status = extra.error.status === 400 && extra.error.fields.q === 'office.find.none' ? 404 : extra.error.status;
  renderOfficePage(deps, ctx, 'queue', 'queue', {
    queue, q: extra.q ?? '', error: extra.error, pagePath: '/office',
    // A failed look-up keeps the clerk's words; only the bare queue refreshes itself.
    refreshSeconds: extra.error ? undefined : QUEUE_REFRESH_SECONDS,
    notice: noticeOf(ctx, ['rejected']),
  });
}

export function mountQueue(router: Router<OfficeState>, deps: OfficeDeps): void {
  router.get('/', async (ctx) => {
    // A registrar-admin has no office and no queue: their page is the staff list.
    if (ctx.state.clerk.staff.role === 'registrar_admin') return ctx.redirect('/office/admin/staff');
    await renderQueue(deps, ctx);
  });

  router.get('/find', counterStaff, async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.trim().slice(0, 200) : '';
    if (!q) return renderQueue(deps, ctx, { q, error: new AppError('invalid_form', { fields: { q: 'office.find.required' } }) });
    let application: Application | null;
    try {
      application = await findApplication(deps, q);
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_form') return renderQueue(deps, ctx, { q, error: err });
      throw err;
    }
    if (!application) return renderQueue(deps, ctx, { q, error: new AppError('invalid_form', { fields: { q: 'office.find.none' } }) });
    ctx.redirect(`/office/applications/${application.id}`);
  });
}
