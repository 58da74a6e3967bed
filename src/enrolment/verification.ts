// The counter: a clerk checks the identity document, records the evidence, and activates
// or rejects the application. Each action is a short list of steps, run in one
// transaction on the locked application row:
//
//   activateApplication = lockApplication → assertOfficeScope → assertState('awaiting_verification')
//     → assertPersonAlive → recordEvidence → createAccount → issueActivationCode → decide → audit → notify
//   rejectApplication   = lockApplication → assertOfficeScope → assertState(open) → decide → audit
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotice } from '../notify/outbox.ts';
import { isoDate } from '../register/person.ts';
import { lockApplication, assertOfficeScope, assertState, type Application } from './applications.ts';
import { issueActivationCode } from './activation-codes.ts';
import { auditActor, type StaffActor } from './staff.ts';
import type { RandomBytes } from './codes.ts';
import { endEverything } from './account-reset.ts';

// OpenID Connect for Identity Assurance's document types that a counter accepts.
export const DOCUMENT_TYPES = ['idcard', 'passport', 'residence_permit'] as const;

export const evidenceSchema = z.object({
  documentType: z.enum(DOCUMENT_TYPES, 'fields.documentType.required'),
  documentNumber: z.string().trim().toUpperCase().regex(/^[A-Z0-9]{5,20}$/, 'fields.documentNumber.invalid'),
  issuer: z.string().trim().min(2, 'fields.issuer.required').max(100, 'fields.issuer.required'),
  expiresOn: z.string().trim().refine((value) => isoDate.safeParse(value).success, 'fields.expiresOn.invalid'),
  // Checkboxes the clerk ticks: both must be, or there is no activation.
  photoMatches: z.literal(true, 'fields.photoMatches.required'),
  documentGenuine: z.literal(true, 'fields.documentGenuine.required'),
});

export type Evidence = z.infer<typeof evidenceSchema>;

export const reasonSchema = z.string().trim().min(3, 'fields.reason.required').max(500, 'fields.reason.required');

export interface VerificationDeps {
  db: Db;
  clock: Clock;
  random?: RandomBytes;
  codeDays?: number;
}

export interface Activation {
  application: Application;
  username: string;
  activationCode: string;
  codeExpiresAt: Date;
  // True when the person already had an account: activation then works as an in-person
  // recovery, and everything the old account held is revoked.
  replacedAccount: boolean;
}

export async function activateApplication(deps: VerificationDeps, input: { applicationId: string; evidence: Evidence }, actor: StaffActor): Promise<Activation> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  if (input.evidence.expiresOn < today) throw new AppError('invalid_form', { fields: { expiresOn: 'fields.expiresOn.expired' } });
  return deps.db.transaction(async (tx) => {
    const application = await lockApplication(tx, deps.clock, input.applicationId);
    assertOfficeScope(actor.staff, application.officeCode);
    assertState(application, 'awaiting_verification');
    await assertPersonAlive(tx, application.personId);
    const now = deps.clock.now();
    await recordEvidence(tx, { application, evidence: input.evidence, verifiedBy: actor.staff.personId, at: now });
    const { username, replaced } = await createAccount(tx, deps.clock, application, now, actor);
    const code = await issueActivationCode(tx, deps, { accountId: application.personId, purpose: 'activation', issuedBy: actor.staff.personId });
    await decide(tx, application.id, 'activated', actor.staff.personId, now, null);
    await appendAudit(tx, deps.clock, {
      ...auditActor(actor), action: 'application.activated', subject: application.personId,
      details: { application: application.id, office: application.officeCode, staffRole: actor.staff.role, documentType: input.evidence.documentType, replacedAccount: replaced },
    });
    await enqueueNotice(tx, deps.clock, {
      accountId: application.personId, template: 'activation_slip_issued',
      payload: { reference: application.reference, officeCode: application.officeCode, expiresOn: code.expiresAt.toISOString().slice(0, 10) },
    });
    return { application: { ...application, state: 'activated', decidedAt: now, decidedBy: actor.staff.personId }, username, activationCode: code.code, codeExpiresAt: code.expiresAt, replacedAccount: replaced };
  });
}

export async function rejectApplication(deps: VerificationDeps, input: { applicationId: string; reason: string }, actor: StaffActor): Promise<Application> {
  return deps.db.transaction(async (tx) => {
    const application = await lockApplication(tx, deps.clock, input.applicationId);
    assertOfficeScope(actor.staff, application.officeCode);
    assertState(application, 'awaiting_verification', 'awaiting_override');
    const now = deps.clock.now();
    await decide(tx, application.id, 'rejected', actor.staff.personId, now, input.reason);
    await appendAudit(tx, deps.clock, {
      ...auditActor(actor), action: 'application.rejected', subject: application.personId,
      details: { application: application.id, office: application.officeCode, staffRole: actor.staff.role, reason: input.reason },
    });
    return { ...application, state: 'rejected', decidedAt: now, decidedBy: actor.staff.personId, decisionReason: input.reason };
  });
}

async function assertPersonAlive(tx: Queryable, personId: string): Promise<void> {
  const { rows } = await tx.query<{ status: string }>('SELECT status FROM persons WHERE id = $1', [personId]);
  if (rows[0]?.status !== 'alive') throw new AppError('account_state', { message: 'the person has died' });
}

async function recordEvidence(tx: Queryable, input: { application: Application; evidence: Evidence; verifiedBy: string; at: Date }): Promise<void> {
  const { application, evidence } = input;
  await tx.query(
    `INSERT INTO identity_evidence (id, person_id, application_id, office_code, verified_by, document_type, document_number, issuer, expires_on,
       photo_matches, document_genuine, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [randomUUID(), application.personId, application.id, application.officeCode, input.verifiedBy, evidence.documentType, evidence.documentNumber,
      evidence.issuer, evidence.expiresOn, evidence.photoMatches, evidence.documentGenuine, input.at],
  );
}

// The username is the alias the citizen chose, unless someone took it since; then the
// e-ID number, which is always theirs.
async function createAccount(tx: Queryable, clock: Clock, application: Application, now: Date, actor: StaffActor): Promise<{ username: string; replaced: boolean }> {
  const { rows: person } = await tx.query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [application.personId]);
  const eid = person[0]!.eid;
  let username = eid;
  if (application.usernameAlias) {
    const { rows: found } = await tx.query('SELECT 1 FROM accounts WHERE username = $1 AND id <> $2', [application.usernameAlias, application.personId]);
    if (found.length === 0) username = application.usernameAlias;
  }
  const { rows } = await tx.query<{ existed: boolean }>(
    `INSERT INTO accounts (id, username, password_hash, state, verified_in_person_at, email, phone, locale, created_at, updated_at)
     VALUES ($1, $2, NULL, 'awaiting_password', $3, $4, $5, $6, $3, $3)
     ON CONFLICT (id) DO UPDATE SET username = excluded.username, password_hash = NULL, state = 'awaiting_password', suspension = NULL,
       suspended_at = NULL, verified_in_person_at = excluded.verified_in_person_at, email = COALESCE(excluded.email, accounts.email),
       phone = COALESCE(excluded.phone, accounts.phone), locale = excluded.locale, updated_at = excluded.updated_at
     RETURNING (xmax <> 0) AS existed`,
    [application.personId, username, now, application.email, application.phone, application.locale],
  );
  const replaced = rows[0]!.existed;
  if (replaced) await endEverything(tx, clock, application.personId, auditActor(actor));
  return { username, replaced };
}

async function decide(tx: Queryable, id: string, state: 'activated' | 'rejected', by: string, at: Date, reason: string | null): Promise<void> {
  await tx.query('UPDATE applications SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1', [id, state, by, at, reason]);
}
