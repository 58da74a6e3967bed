// The verification screen: the registry's record beside the application, differences
// marked in words, the evidence form, and the decisions (activate, reject, ask a
// supervisor to override a mismatch). Each decision is one domain call.
import type Router from '@koa/router';
import type { OfficeContext, OfficeDeps, OfficeState } from './context.ts';
import { counterStaff } from './clerk.ts';
import { actorOf, dateFromFields, noticeOf, postedForm, redirectAfterPost, renderConfirmation, renderOfficePage } from './page.ts';
import { renderSlip } from './slip.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { assertOfficeScope, assertState, type Application } from '../../enrolment/applications.ts';
import { activateApplication, DOCUMENT_TYPES, evidenceSchema, reasonSchema, rejectApplication } from '../../enrolment/verification.ts';
import { pendingApprovals, requestApproval } from '../../enrolment/approvals.ts';
import { formatReference } from '../../enrolment/codes.ts';
import { mismatchedFields } from '../../register/matching.ts';
import type { RegistryRecord } from '../../register/person.ts';
import { formatCalendarDate, formatMoment } from '../account/format.ts';

const EVIDENCE_FIELDS = ['documentType', 'documentNumber', 'issuer', 'expiresOn-day', 'expiresOn-month', 'expiresOn-year', 'photoMatches', 'documentGenuine'] as const;

async function applicationInScope(deps: OfficeDeps, ctx: OfficeContext): Promise<Application> {
  const application = await deps.applications.findById(String(ctx.params.id ?? ''));
  if (!application) throw new AppError('not_found');
  assertOfficeScope(ctx.state.clerk.staff, application.officeCode);
  return application;
}

async function registryRecord(deps: OfficeDeps, civilNumber: string): Promise<{ record: RegistryRecord | null; unreachable: boolean }> {
  try {
    return { record: await deps.registry.lookup(civilNumber), unreachable: false };
  } catch {
    return { record: null, unreachable: true };
  }
}

// Rows of the side-by-side comparison; `differs` is said in words on the page, not by colour.
function comparison(ctx: OfficeContext, application: Application, record: RegistryRecord | null) {
  const { locale } = ctx.state;
  const differing = new Set<string>(record ? mismatchedFields(record, application.submitted) : []);
  const { submitted } = application;
  return [
    { field: 'civilNumber', submitted: submitted.civilNumber, registry: record?.civilNumber ?? '', code: true, differs: false },
    { field: 'givenName', submitted: submitted.givenName, registry: record ? `${record.names.lat.given} · ${record.names.ar.given}` : '', differs: differing.has('givenName') },
    { field: 'familyName', submitted: submitted.familyName, registry: record ? `${record.names.lat.family} · ${record.names.ar.family}` : '', differs: differing.has('familyName') },
    { field: 'birthDate', submitted: formatCalendarDate(locale, submitted.birthDate), registry: record ? formatCalendarDate(locale, record.birthDate) : '', differs: differing.has('birthDate') },
  ];
}

type EvidenceValues = Partial<Record<(typeof EVIDENCE_FIELDS)[number] | 'reason', string>>;

async function renderApplication(deps: OfficeDeps, ctx: OfficeContext, application: Application, extra: { values?: EvidenceValues; error?: AppError; form?: 'evidence' | 'reject' | 'override' } = {}): Promise<void> {
  const { locale } = ctx.state;
  const { record, unreachable } = await registryRecord(deps, application.submitted.civilNumber);
  const pending = (await pendingApprovals(deps.db, application.officeCode)).find((request) => request.subject === application.id);
  if (extra.error) ctx.status = extra.error.status;
  renderOfficePage(deps, ctx, 'application', 'queue', {
    application,
    reference: formatReference(application.reference),
    rows: comparison(ctx, application, record),
    record,
    registryUnreachable: unreachable,
    recordNames: record ? { ar: Object.values(record.names.ar).join(' '), lat: Object.values(record.names.lat).join(' ') } : null,
    createdAt: formatMoment(locale, application.createdAt),
    expiresAt: formatMoment(locale, application.expiresAt),
    overridePending: pending !== undefined,
    documentTypes: DOCUMENT_TYPES,
    values: extra.values ?? {},
    error: extra.error,
    errorForm: extra.error ? extra.form : undefined,
    action: `/office/applications/${application.id}`,
    pagePath: `/office/applications/${application.id}`,
    notice: noticeOf(ctx, ['override-requested']),
  });
}

function evidenceFrom(form: URLSearchParams) {
  return evidenceSchema.safeParse({
    documentType: form.get('documentType') ?? undefined,
    documentNumber: form.get('documentNumber') ?? '',
    issuer: form.get('issuer') ?? '',
    expiresOn: dateFromFields(form, 'expiresOn'),
    photoMatches: form.get('photoMatches') === 'yes',
    documentGenuine: form.get('documentGenuine') === 'yes',
  });
}

// Field → message key, the first issue of each field; expiresOn is three inputs, linked by its day.
function fieldErrors(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'form');
    fields[field] ??= issue.message;
  }
  return fields;
}

function valuesOf(form: URLSearchParams): EvidenceValues {
  const values: EvidenceValues = {};
  for (const name of [...EVIDENCE_FIELDS, 'reason'] as const) values[name] = form.get(name) ?? '';
  return values;
}

export function mountVerification(router: Router<OfficeState>, deps: OfficeDeps): void {
  const verificationDeps = { db: deps.db, clock: deps.clock, codeDays: deps.activationCodeDays };

  router.get('/applications/:id', counterStaff, async (ctx) => {
    const application = await applicationInScope(deps, ctx);
    await renderApplication(deps, ctx, application);
  });

  // Two steps: the evidence, then a confirmation that names the effect. The final post
  // answers with the slip, the only place the activation code ever appears.
  router.post('/applications/:id/activate', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const application = await applicationInScope(deps, ctx);
    assertState(application, 'awaiting_verification');
    const evidence = evidenceFrom(form);
    if (!evidence.success) {
      return renderApplication(deps, ctx, application, { values: valuesOf(form), form: 'evidence', error: new AppError('invalid_form', { fields: fieldErrors(evidence.error.issues) }) });
    }
    const t = translator(ctx.state.locale);
    if (form.get('confirmed') !== 'yes') {
      const fields: Record<string, string> = { confirmed: 'yes' };
      for (const name of EVIDENCE_FIELDS) fields[name] = form.get(name) ?? '';
      return renderConfirmation(deps, ctx, 'queue', {
        title: t('office.activate.confirmTitle'),
        paragraphs: [
          t('office.activate.confirmDocument', { type: t(`office.documentTypes.${evidence.data.documentType}`), number: evidence.data.documentNumber, expires: formatCalendarDate(ctx.state.locale, evidence.data.expiresOn) }),
          t('office.activate.confirmEffect', { name: `${application.submitted.givenName} ${application.submitted.familyName}` }),
        ],
        action: ctx.path, fields, button: t('office.activate.confirmButton'), back: `/office/applications/${application.id}`,
      });
    }
    let activation;
    try {
      activation = await activateApplication(verificationDeps, { applicationId: application.id, evidence: evidence.data }, actorOf(ctx));
    } catch (err) {
      // The one form error the domain finds itself: a document past its expiry date.
      if (err instanceof AppError && err.code === 'invalid_form') return renderApplication(deps, ctx, application, { values: valuesOf(form), form: 'evidence', error: err });
      throw err;
    }
    renderSlip(deps, ctx, { kind: 'activation', username: activation.username, activationCode: activation.activationCode, codeExpiresAt: activation.codeExpiresAt, locale: application.locale });
  });

  router.post('/applications/:id/reject', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const application = await applicationInScope(deps, ctx);
    assertState(application, 'awaiting_verification', 'awaiting_override');
    const reason = reasonSchema.safeParse(form.get('reason') ?? '');
    if (!reason.success) {
      return renderApplication(deps, ctx, application, { values: valuesOf(form), form: 'reject', error: new AppError('invalid_form', { fields: { reason: reason.error.issues[0]!.message } }) });
    }
    const t = translator(ctx.state.locale);
    if (form.get('confirmed') !== 'yes') {
      return renderConfirmation(deps, ctx, 'queue', {
        title: t('office.reject.confirmTitle'),
        paragraphs: [t('office.reject.confirmReason', { reason: reason.data }), t('office.reject.confirmEffect')],
        action: ctx.path, fields: { reason: reason.data, confirmed: 'yes' }, button: t('office.reject.confirmButton'), back: `/office/applications/${application.id}`,
      });
    }
    await rejectApplication(verificationDeps, { applicationId: application.id, reason: reason.data }, actorOf(ctx));
    redirectAfterPost(ctx, '/office', 'rejected');
  });

  // Assisted enrolment found the registry's details different: a supervisor decides.
  router.post('/applications/:id/override', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const application = await applicationInScope(deps, ctx);
    const reason = reasonSchema.safeParse(form.get('reason') ?? '');
    if (!reason.success) {
      return renderApplication(deps, ctx, application, { values: valuesOf(form), form: 'override', error: new AppError('invalid_form', { fields: { overrideReason: reason.error.issues[0]!.message } }) });
    }
    await requestApproval(deps, { kind: 'override_mismatch', subject: application.id, reason: reason.data }, actorOf(ctx));
    redirectAfterPost(ctx, `/office/applications/${application.id}`, 'override-requested');
  });
}

