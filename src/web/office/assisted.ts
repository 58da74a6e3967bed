// Assisted enrolment: a clerk registers a citizen who came in person without internet
// access, with the same fields as the citizen's own form (contact optional), then goes
// straight to the verification screen. A registry mismatch waits for a supervisor.
import type Router from '@koa/router';
import type { OfficeContext, OfficeDeps, OfficeState } from './context.ts';
import { counterStaff } from './clerk.ts';
import { actorOf, dateFromFields, postedForm, renderOfficePage } from './page.ts';
import { AppError } from '../../errors.ts';
import { registrationSchema, submitAssistedApplication } from '../../enrolment/registration.ts';

const FIELDS = ['civilNumber', 'givenName', 'familyName', 'birthDate-day', 'birthDate-month', 'birthDate-year', 'email', 'phone', 'usernameAlias', 'locale'] as const;

function renderForm(deps: OfficeDeps, ctx: OfficeContext, extra: { values?: Record<string, string>; error?: AppError } = {}): void {
  if (extra.error) ctx.status = extra.error.status;
  renderOfficePage(deps, ctx, 'register', 'register', { values: extra.values ?? { locale: ctx.state.locale }, error: extra.error, pagePath: '/office/register' });
}

// Empty optional fields are absent, not empty strings the schema would refuse.
const optional = (value: string | null) => (value && value.trim() ? value : undefined);

export function mountAssisted(router: Router<OfficeState>, deps: OfficeDeps): void {
  const registrationDeps = { db: deps.db, clock: deps.clock, registry: deps.registry, eidLength: deps.eidLength, applicationDays: deps.applicationDays };

  router.get('/register', counterStaff, async (ctx) => renderForm(deps, ctx));

  router.post('/register', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const values = Object.fromEntries(FIELDS.map((name) => [name, form.get(name) ?? '']));
    const parsed = registrationSchema.safeParse({
      civilNumber: form.get('civilNumber') ?? '',
      givenName: form.get('givenName') ?? '',
      familyName: form.get('familyName') ?? '',
      birthDate: dateFromFields(form, 'birthDate'),
      email: optional(form.get('email')),
      phone: optional(form.get('phone')),
      usernameAlias: optional(form.get('usernameAlias')),
      // The office is the clerk's own, never the form's.
      officeCode: ctx.state.clerk.staff.officeCode ?? '',
      locale: form.get('locale') ?? '',
    });
    if (!parsed.success) {
      const fields: Record<string, string> = {};
      for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.path[0] === 'locale' ? 'office.register.localeRequired' : issue.message;
      return renderForm(deps, ctx, { values, error: new AppError('invalid_form', { fields }) });
    }
    try {
      const application = await submitAssistedApplication(registrationDeps, parsed.data, actorOf(ctx));
      ctx.status = 303;
      ctx.redirect(`/office/applications/${application.id}`);
    } catch (err) {
      if (err instanceof AppError && ['invalid_form', 'registration_not_matched', 'application_exists'].includes(err.code)) return renderForm(deps, ctx, { values, error: err });
      throw err;
    }
  });
}
