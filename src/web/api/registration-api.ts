// The registration as JSON, for the mobile app and agencies' counters: the same domain
// functions as the pages. No cookies are read or set, so there is nothing for a forged
// cross-site request to ride on, and no CORS header is sent, so browsers on other origins
// cannot read the answers (and a JSON body needs a preflight they will not pass).
// Submissions and status look-ups are rate-limited per address, counting every one.
//
//   GET  /api/offices                open offices, names in ar/fr/en, by region
//   POST /api/registrations          201 application | 400 fields | 409 | 422 | 429
//   POST /api/registrations/status   200 status | 404 | 429
import Router from '@koa/router';
import { z } from 'zod';
import type { AppContext, AppState } from '../context.ts';
import { readJson } from '../body.ts';
import { translate } from '../i18n.ts';
import { AppError } from '../../errors.ts';
import { applicationStatus, registrationSchema, submitApplication } from '../../enrolment/registration.ts';
import type { RegistrationPageDeps } from '../register/registration-pages.ts';
import { admitSubmission, withRegistry } from '../register/submission-limit.ts';

export type RegistrationApiDeps = Pick<RegistrationPageDeps, 'offices' | 'registration' | 'throttle' | 'limits' | 'maxBodyBytes'>;

const statusSchema = z.object({
  reference: z.string().trim().min(1, 'fields.reference.required').max(32, 'fields.reference.invalid'),
  birthDate: registrationSchema.shape.birthDate,
});

// The answers this API gives for the domain's refusals; anything else goes to the error handler.
const ANSWERED = new Set(['invalid_form', 'bad_request', 'registration_not_matched', 'application_exists', 'rate_limited']);

function fieldsOf(ctx: AppContext, fields: Readonly<Record<string, string>>) {
  return Object.fromEntries(Object.entries(fields).map(([field, key]) => [field, { code: key, message: translate(ctx.state.locale, key) }]));
}

function answerError(ctx: AppContext, err: unknown, limitSeconds: number): void {
  if (!(err instanceof AppError) || !ANSWERED.has(err.code)) throw err;
  ctx.status = err.status;
  if (err.code === 'rate_limited') ctx.set('Retry-After', String(limitSeconds));
  const body: Record<string, unknown> = { error: err.code, message: translate(ctx.state.locale, `errors.${err.code}`) };
  if (Object.keys(err.fields).length > 0) body.fields = fieldsOf(ctx, err.fields);
  ctx.body = body;
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) fields[String(issue.path[0] ?? 'body')] ??= issue.message.startsWith('fields.') ? issue.message : `fields.${String(issue.path[0])}.invalid`;
  throw new AppError('invalid_form', { fields });
}

const objectBody = (value: unknown): Record<string, unknown> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AppError('bad_request', { message: 'body: must be a JSON object' });
  return value as Record<string, unknown>;
};

export function createRegistrationApi(deps: RegistrationApiDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api' });

  router.use(async (ctx, next) => {
    ctx.state.route = 'api';
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.get('/offices', async (ctx) => {
    const offices = await deps.offices.listOpen();
    ctx.body = { offices: offices.map((office) => ({ code: office.code, kind: office.kind, region: office.region, names: office.names })) };
  });

  router.post('/registrations', async (ctx) => {
    try {
      await admitSubmission(deps.throttle, `registration:ip:${ctx.ip}`, deps.limits);
      const body = objectBody(await readJson(ctx, deps.maxBodyBytes));
      const input = parse(registrationSchema, { locale: ctx.state.locale, ...body });
      const application = await withRegistry(() => submitApplication(deps.registration, input, { requestId: ctx.state.requestId, sourceIp: ctx.ip }));
      ctx.status = 201;
      ctx.body = { reference: application.reference, state: application.state, officeCode: application.officeCode, expiresAt: application.expiresAt.toISOString() };
    } catch (err) {
      answerError(ctx, err, deps.limits.lockSeconds);
    }
  });

  router.post('/registrations/status', async (ctx) => {
    try {
      await admitSubmission(deps.throttle, `registration-status:ip:${ctx.ip}`, deps.limits);
      const input = parse(statusSchema, objectBody(await readJson(ctx, deps.maxBodyBytes)));
      const status = await applicationStatus(deps.registration, input);
      if (!status) {
        ctx.status = 404;
        ctx.body = { error: 'not_found', message: translate(ctx.state.locale, 'register.status.notFound') };
        return;
      }
      ctx.body = { reference: status.reference, state: status.state, officeCode: status.officeCode, expiresAt: status.expiresAt.toISOString(), decidedAt: status.decidedAt?.toISOString() ?? null };
    } catch (err) {
      answerError(ctx, err, deps.limits.lockSeconds);
    }
  });

  return router;
}
