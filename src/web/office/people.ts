// A person's account at the counter: find them by e-ID number or civil number, then
// suspend, reactivate (in person; after fraud, through a supervisor) or recover in person
// (a new activation code, and nothing of the old sign-in survives).
import type Router from '@koa/router';
import type { OfficeContext, OfficeDeps, OfficeState } from './context.ts';
import { counterStaff } from './clerk.ts';
import { actorOf, noticeOf, postedForm, redirectAfterPost, renderConfirmation, renderOfficePage } from './page.ts';
import { renderSlip } from './slip.ts';
import { translator } from '../render.ts';
import { AppError } from '../../errors.ts';
import { reasonSchema } from '../../enrolment/verification.ts';
import { accountAtCounter, reactivate, recoverInPerson, revokeSigningCertificates, suspendAccount } from '../../enrolment/lifecycle.ts';
import { pendingApprovals, requestApproval } from '../../enrolment/approvals.ts';
import type { Person } from '../../register/persons.ts';
import { luhnValid } from '../../register/person.ts';
import { formatCalendarDate } from '../account/format.ts';

const DONE = ['suspended', 'reactivated', 'reactivation-requested', 'signing-revoked'];

async function personOf(deps: OfficeDeps, ctx: OfficeContext): Promise<Person> {
  const person = await deps.persons.findById(String(ctx.params.id ?? ''));
  if (!person) throw new AppError('not_found');
  return person;
}

async function renderPerson(deps: OfficeDeps, ctx: OfficeContext, person: Person, extra: { error?: AppError; values?: Record<string, string> } = {}): Promise<void> {
  const account = await accountAtCounter(deps.db, person.id);
  const officeCode = ctx.state.clerk.staff.officeCode;
  const pending = officeCode ? (await pendingApprovals(deps.db, officeCode)).some((request) => request.subject === person.id) : false;
  if (extra.error) ctx.status = extra.error.status;
  renderOfficePage(deps, ctx, 'person', 'people', {
    person, account, pending,
    atThisOffice: account?.homeOffice === officeCode,
    birthDate: formatCalendarDate(ctx.state.locale, person.birthDate),
    deathDate: person.deathDate ? formatCalendarDate(ctx.state.locale, person.deathDate) : null,
    action: `/office/people/${person.id}`, pagePath: `/office/people/${person.id}`,
    error: extra.error, values: extra.values ?? {}, notice: noticeOf(ctx, DONE),
  });
}

function reasonOr(deps: OfficeDeps, ctx: OfficeContext, person: Person, form: URLSearchParams, field: string): Promise<string | null> | string {
  const reason = reasonSchema.safeParse(form.get('reason') ?? '');
  if (reason.success) return reason.data;
  return renderPerson(deps, ctx, person, { values: { [field]: form.get('reason') ?? '' }, error: new AppError('invalid_form', { fields: { [field]: reason.error.issues[0]!.message } }) }).then(() => null);
}

export function mountPeople(router: Router<OfficeState>, deps: OfficeDeps): void {
  const lifecycleDeps = { db: deps.db, clock: deps.clock, codeDays: deps.activationCodeDays };

  router.get('/people', counterStaff, async (ctx) => {
    const q = typeof ctx.query.q === 'string' ? ctx.query.q.replace(/\s/g, '').slice(0, 40) : '';
    let error: AppError | undefined;
    if (q) {
      const person = /^\d{10}$/.test(q) && luhnValid(q) ? await deps.persons.findByCivilNumber(q)
        : new RegExp(`^\\d{${deps.eidLength}}$`).test(q) ? await deps.persons.findByEid(q) : null;
      if (person) return ctx.redirect(`/office/people/${person.id}`);
      error = new AppError('invalid_form', { fields: { q: 'office.people.none' } });
      ctx.status = 404;
    }
    renderOfficePage(deps, ctx, 'people', 'people', { q, error, pagePath: '/office/people' });
  });

  router.get('/people/:id', counterStaff, async (ctx) => renderPerson(deps, ctx, await personOf(deps, ctx)));

  router.post('/people/:id/suspend', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const person = await personOf(deps, ctx);
    const reason = await reasonOr(deps, ctx, person, form, 'suspendReason');
    if (reason === null) return;
    const fraud = form.get('fraud') === 'yes';
    if (form.get('confirmed') !== 'yes') {
      const t = translator(ctx.state.locale);
      return renderConfirmation(deps, ctx, 'people', {
        title: t('office.suspend.confirmTitle'),
        paragraphs: [t('office.suspend.confirmReason', { reason }), t(fraud ? 'office.suspend.confirmEffectFraud' : 'office.suspend.confirmEffect')],
        action: ctx.path, fields: { reason, fraud: fraud ? 'yes' : 'no', confirmed: 'yes' }, button: t('office.suspend.confirmButton'), back: `/office/people/${person.id}`,
      });
    }
    await suspendAccount(lifecycleDeps, { personId: person.id, fraud, reason }, actorOf(ctx));
    redirectAfterPost(ctx, `/office/people/${person.id}`, 'suspended');
  });

  router.post('/people/:id/reactivate', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const person = await personOf(deps, ctx);
    const reason = await reasonOr(deps, ctx, person, form, 'reactivateReason');
    if (reason === null) return;
    const account = await accountAtCounter(deps.db, person.id);
    // After fraud, reactivation is a four-eyes request that a supervisor decides.
    if (account?.suspension === 'fraud') {
      await requestApproval(deps, { kind: 'reactivate_after_fraud', subject: person.id, reason }, actorOf(ctx));
      return redirectAfterPost(ctx, `/office/people/${person.id}`, 'reactivation-requested');
    }
    await reactivate(lifecycleDeps, { personId: person.id, reason }, actorOf(ctx));
    redirectAfterPost(ctx, `/office/people/${person.id}`, 'reactivated');
  });

  router.post('/people/:id/recover', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const person = await personOf(deps, ctx);
    if (form.get('confirmed') !== 'yes') {
      const t = translator(ctx.state.locale);
      return renderConfirmation(deps, ctx, 'people', {
        title: t('office.recover.confirmTitle'),
        paragraphs: [t('office.recover.confirmLead'), t('office.recover.confirmEffect')],
        action: ctx.path, fields: { confirmed: 'yes' }, button: t('office.recover.confirmButton'), back: `/office/people/${person.id}`,
      });
    }
    const account = await accountAtCounter(deps.db, person.id);
    const recovered = await recoverInPerson(lifecycleDeps, { personId: person.id }, actorOf(ctx));
    renderSlip(deps, ctx, { kind: 'recovery', ...recovered, locale: account?.locale ?? person.locale });
  });

  router.post('/people/:id/revoke-signing', counterStaff, async (ctx) => {
    const form = await postedForm(deps, ctx);
    const person = await personOf(deps, ctx);
    const compromised = form.get('compromised') === 'yes';
    if (form.get('confirmed') !== 'yes') {
      const t = translator(ctx.state.locale);
      return renderConfirmation(deps, ctx, 'people', {
        title: t('office.signing.confirmTitle'),
        paragraphs: [t(compromised ? 'office.signing.confirmCompromised' : 'office.signing.confirmUnwanted'), t('office.signing.confirmEffect')],
        action: ctx.path, fields: { compromised: compromised ? 'yes' : 'no', confirmed: 'yes' }, button: t('office.signing.confirmButton'), back: `/office/people/${person.id}`,
      });
    }
    await revokeSigningCertificates({ db: deps.db, clock: deps.clock }, { personId: person.id, compromised }, actorOf(ctx));
    redirectAfterPost(ctx, `/office/people/${person.id}`, 'signing-revoked');
  });
}
