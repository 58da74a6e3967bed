// /register/status: where an application stands, from its reference and the birth date,
// both right, or one answer that says nothing about which was wrong. Rate-limited per
// address like registration, counting every look-up.
import type Router from '@koa/router';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { AppError } from '../../errors.ts';
import { applicationStatus, type ApplicationStatus } from '../../enrolment/registration.ts';
import { formatReference } from '../../enrolment/codes.ts';
import { draftOf, type Draft } from './draft.ts';
import { dateFromParts } from './steps.ts';
import { admitSubmission } from './submission-limit.ts';
import { officeName, postedRegistrationForm, registrationPageData, type RegistrationPageDeps } from './registration-pages.ts';

const PATH = '/register/status';

export function mountStatusPage(router: Router<AppState>, deps: RegistrationPageDeps): void {
  async function render(ctx: AppContext, draft: Draft, values: Record<string, string>, extra: { error?: AppError; status?: ApplicationStatus; notFound?: boolean } = {}): Promise<void> {
    if (extra.error) ctx.status = extra.error.status;
    if (extra.notFound) ctx.status = 404;
    const { locale } = ctx.state;
    const { status } = extra;
    renderPage(ctx, 'register/status', {
      ...registrationPageData(deps, draft),
      error: extra.error,
      values,
      pagePath: PATH,
      notFound: extra.notFound ?? false,
      result: status ? {
        state: status.state,
        reference: formatReference(status.reference),
        office: officeName((await deps.offices.find(status.officeCode)) ?? undefined, locale),
        expiresAt: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(status.expiresAt),
      } : undefined,
    });
  }

  router.get('/status', async (ctx) => {
    await render(ctx, draftOf(deps, ctx), { reference: '', day: '', month: '', year: '' });
  });

  router.post('/status', async (ctx) => {
    const { draft, form } = await postedRegistrationForm(deps, ctx);
    const values = Object.fromEntries(['reference', 'day', 'month', 'year'].map((name) => [name, (form.get(name) ?? '').trim()]));
    const fields: Record<string, string> = {};
    if (!values.reference) fields.reference = 'fields.reference.required';
    else if (values.reference.length > 32) fields.reference = 'fields.reference.invalid';
    const birthDate = dateFromParts(values.day!, values.month!, values.year!);
    if (birthDate === 'missing') fields.birthDate = 'fields.birthDate.required';
    else if (birthDate === 'invalid') fields.birthDate = 'fields.birthDate.invalid';
    if (Object.keys(fields).length > 0) return render(ctx, draft, values, { error: new AppError('invalid_form', { fields }) });
    try {
      await admitSubmission(deps.throttle, `registration-status:ip:${ctx.ip}`, deps.limits);
    } catch (err) {
      if (err instanceof AppError) return render(ctx, draft, values, { error: err });
      throw err;
    }
    const status = await applicationStatus(deps.registration, { reference: values.reference!, birthDate: birthDate as string });
    await render(ctx, draft, values, status ? { status } : { notFound: true });
  });
}
