// The online registration: one question per page, a check-your-answers page, then the
// application (submitApplication) and a confirmation to print or keep on the phone.
//
//   /register ─► civil-number ─► name ─► birth-date ─► contact ─► username ─► office
//             ─► check ──submit──► confirmation (reference, QR code, office, what to bring)
//
// Answers live in a sealed cookie between pages (draft.ts). An unknown civil number and
// details that do not match the registry get the same answer, on the check page.
import Router from '@koa/router';
import QRCode from 'qrcode';
import type { AppContext, AppState } from '../context.ts';
import { renderPage } from '../render.ts';
import { readForm } from '../body.ts';
import type { Csrf } from '../csrf.ts';
import type { Locale } from '../i18n.ts';
import { formatCalendarDate } from '../account/format.ts';
import { AppError } from '../../errors.ts';
import { registrationSchema, submitApplication, type RegistrationDeps } from '../../enrolment/registration.ts';
import { formatReference } from '../../enrolment/codes.ts';
import type { Office, OfficeQueries } from '../../enrolment/offices.ts';
import type { Throttle, ThrottleLimits } from '../../authn/throttle.ts';
import { draftOf, writeDraft, type Draft, type DraftStore } from './draft.ts';
import { STEPS, firstUnanswered, type Step } from './steps.ts';
import { admitSubmission, withRegistry } from './submission-limit.ts';

export interface RegistrationPageDeps extends DraftStore {
  csrf: Csrf;
  offices: OfficeQueries;
  registration: RegistrationDeps;
  throttle: Throttle;
  // Registrations and status look-ups per client address.
  limits: ThrottleLimits;
  maxBodyBytes: number;
}

const csrfFlow = (draft: Draft) => `register:${draft.flowId}`;

export function officeName(office: Office | undefined, locale: Locale): string {
  return office ? office.names[locale] : '';
}

// Open offices by region, each with its name in the page's language.
export async function officesByRegion(offices: OfficeQueries, locale: Locale): Promise<Array<{ region: string; offices: Array<{ code: string; name: string }> }>> {
  const groups = new Map<string, Array<{ code: string; name: string }>>();
  for (const office of await offices.listOpen()) {
    const group = groups.get(office.region) ?? [];
    group.push({ code: office.code, name: office.names[locale] });
    groups.set(office.region, group);
  }
  return [...groups].map(([region, list]) => ({ region, offices: list.sort((a, b) => a.name.localeCompare(b.name, locale)) }));
}

export async function postedRegistrationForm(deps: RegistrationPageDeps, ctx: AppContext): Promise<{ draft: Draft; form: URLSearchParams }> {
  const draft = draftOf(deps, ctx);
  const form = await readForm(ctx, deps.maxBodyBytes);
  deps.csrf.assert(csrfFlow(draft), form.get('csrf'));
  return { draft, form };
}

export function registrationPageData(deps: RegistrationPageDeps, draft: Draft) {
  return { csrf: deps.csrf.token(csrfFlow(draft)), error: undefined };
}

export function createRegistrationPages(deps: RegistrationPageDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/register' });
  const fromCheck = (ctx: AppContext) => ctx.query.from === 'check';

  router.use(async (ctx, next) => {
    ctx.state.route = 'register';
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/', async (ctx) => {
    renderPage(ctx, 'register/start', { first: `/register/${STEPS[0]!.slug}` });
  });

  async function renderStep(ctx: AppContext, draft: Draft, step: Step, values: Record<string, string>, error?: AppError): Promise<void> {
    if (error) ctx.status = error.status;
    const index = STEPS.indexOf(step);
    const query = fromCheck(ctx) ? '?from=check' : '';
    renderPage(ctx, `register/${step.slug}`, {
      ...registrationPageData(deps, draft),
      error,
      values,
      step: index + 1,
      total: STEPS.length,
      action: `/register/${step.slug}${query}`,
      back: fromCheck(ctx) ? '/register/check' : index === 0 ? '/register' : `/register/${STEPS[index - 1]!.slug}`,
      pagePath: `/register/${step.slug}`,
      regions: step.slug === 'office' ? await officesByRegion(deps.offices, ctx.state.locale) : [],
    });
  }

  function redirect(ctx: AppContext, path: string): void {
    ctx.status = 303;
    ctx.redirect(path);
  }

  async function renderCheck(ctx: AppContext, draft: Draft, error?: AppError): Promise<void> {
    if (error) ctx.status = error.status;
    const { answers } = draft;
    const { locale } = ctx.state;
    const office = answers.officeCode ? await deps.offices.find(answers.officeCode) : null;
    renderPage(ctx, 'register/check', {
      ...registrationPageData(deps, draft),
      error,
      answers,
      birthDate: answers.birthDate ? formatCalendarDate(locale, answers.birthDate) : '',
      officeName: officeName(office ?? undefined, locale),
      pagePath: '/register/check',
    });
  }

  router.get('/check', async (ctx) => {
    const draft = draftOf(deps, ctx);
    const missing = firstUnanswered(draft.answers);
    if (missing) return redirect(ctx, `/register/${missing.slug}`);
    await renderCheck(ctx, draft);
  });

  router.post('/check', async (ctx) => {
    const { draft } = await postedRegistrationForm(deps, ctx);
    const missing = firstUnanswered(draft.answers);
    if (missing) return redirect(ctx, `/register/${missing.slug}`);
    const { usernameAsked: _asked, ...answers } = draft.answers;
    try {
      await admitSubmission(deps.throttle, `registration:ip:${ctx.ip}`, deps.limits);
      const input = registrationSchema.parse({ ...answers, locale: ctx.state.locale });
      const application = await withRegistry(() => submitApplication(deps.registration, input, { requestId: ctx.state.requestId, sourceIp: ctx.ip }));
      writeDraft(deps, ctx, {
        ...draft, answers: {},
        submitted: { reference: application.reference, officeCode: application.officeCode, expiresAt: application.expiresAt.toISOString() },
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return renderCheck(ctx, draft, err);
    }
    redirect(ctx, '/register/confirmation');
  });

  router.get('/confirmation', async (ctx) => {
    const draft = draftOf(deps, ctx);
    if (!draft.submitted) return redirect(ctx, '/register');
    const { reference, officeCode, expiresAt } = draft.submitted;
    const { locale } = ctx.state;
    const qrSvg = await QRCode.toString(reference, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    renderPage(ctx, 'register/confirmation', {
      reference: formatReference(reference),
      qrSvg,
      officeName: officeName((await deps.offices.find(officeCode)) ?? undefined, locale),
      expiresAt: new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(expiresAt)),
      expiresAtIso: expiresAt.slice(0, 10),
    });
  });

  for (const step of STEPS) {
    router.get(`/${step.slug}`, async (ctx) => {
      const draft = draftOf(deps, ctx);
      await renderStep(ctx, draft, step, step.values(draft.answers));
    });

    router.post(`/${step.slug}`, async (ctx) => {
      const { draft, form } = await postedRegistrationForm(deps, ctx);
      const officeCodes = new Set(step.slug === 'office' ? (await deps.offices.listOpen()).map((office) => office.code) : []);
      const result = step.parse(form, { officeCodes });
      if (Object.keys(result.fields).length > 0) return renderStep(ctx, draft, step, result.values, new AppError('invalid_form', { fields: result.fields }));
      const next: Draft = { ...draft, submitted: undefined, answers: { ...draft.answers, ...result.answers } };
      writeDraft(deps, ctx, next);
      const missing = firstUnanswered(next.answers);
      redirect(ctx, fromCheck(ctx) || !missing ? '/register/check' : `/register/${missing.slug}`);
    });
  }

  return router;
}
