// Four eyes: two actions need a second person, a supervisor of the same office who did
// not ask: overriding a registry mismatch found at assisted enrolment, and reactivating
// an account suspended for fraud. The request and the decision are stored, both staff
// are recorded, and the approved action runs in the decision's transaction.
//
//   requestApproval: pending ──decideApproval (another supervisor)──► approved (action runs) | refused
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { isUniqueViolation } from '../db/db.ts';
import { lockApplication, assertOfficeScope, assertState } from './applications.ts';
import { lockAccount, assertPersonAtOffice, reactivateAccount } from './lifecycle.ts';
import { auditActor, type StaffActor } from './staff.ts';

export type ApprovalKind = 'reactivate_after_fraud' | 'override_mismatch';

export interface ApprovalRequest {
  id: string;
  kind: ApprovalKind;
  subject: string;
  officeCode: string;
  reason: string;
  requestedBy: string;
  requestedAt: Date;
  state: 'pending' | 'approved' | 'refused';
}

interface ApprovalRow {
  id: string;
  kind: ApprovalKind;
  subject: string;
  office_code: string;
  reason: string;
  requested_by: string;
  requested_at: Date;
  state: 'pending' | 'approved' | 'refused';
  [column: string]: unknown;
}

const toRequest = (row: ApprovalRow): ApprovalRequest => ({
  id: row.id, kind: row.kind, subject: row.subject, officeCode: row.office_code, reason: row.reason,
  requestedBy: row.requested_by, requestedAt: row.requested_at, state: row.state,
});

// The subject is in the state the approved action needs, at the requester's office.
async function assertRequestable(tx: Queryable, clock: Clock, kind: ApprovalKind, subject: string, actor: StaffActor): Promise<void> {
  if (kind === 'override_mismatch') {
    const application = await lockApplication(tx, clock, subject);
    assertOfficeScope(actor.staff, application.officeCode);
    assertState(application, 'awaiting_override');
    return;
  }
  const account = await lockAccount(tx, subject);
  assertPersonAtOffice(actor, account);
  if (account.state !== 'suspended' || account.suspension !== 'fraud') throw new AppError('account_state');
}

export async function requestApproval(deps: { db: Db; clock: Clock }, input: { kind: ApprovalKind; subject: string; reason: string }, actor: StaffActor): Promise<ApprovalRequest> {
  if (actor.staff.role === 'registrar_admin' || !actor.staff.officeCode) throw new AppError('forbidden');
  const officeCode = actor.staff.officeCode;
  try {
    return await deps.db.transaction(async (tx) => {
      await assertRequestable(tx, deps.clock, input.kind, input.subject, actor);
      const { rows } = await tx.query<ApprovalRow>(
        `INSERT INTO approval_requests (id, kind, subject, office_code, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, kind, subject, office_code, reason, requested_by, requested_at, state`,
        [randomUUID(), input.kind, input.subject, officeCode, input.reason, actor.staff.personId, deps.clock.now()],
      );
      const request = toRequest(rows[0]!);
      await appendAudit(tx, deps.clock, {
        ...auditActor(actor), action: 'approval.requested', subject: input.subject,
        details: { approval: request.id, kind: input.kind, office: officeCode, reason: input.reason },
      });
      return request;
    });
  } catch (err) {
    if (isUniqueViolation(err, 'approval_requests_one_pending')) throw new AppError('approval_required', { message: 'a request is already waiting for a supervisor' });
    throw err;
  }
}

export async function pendingApprovals(db: Db, officeCode: string): Promise<ApprovalRequest[]> {
  const { rows } = await db.query<ApprovalRow>(
    `SELECT id, kind, subject, office_code, reason, requested_by, requested_at, state FROM approval_requests
     WHERE office_code = $1 AND state = 'pending' ORDER BY requested_at`,
    [officeCode],
  );
  return rows.map(toRequest);
}

export async function decideApproval(deps: { db: Db; clock: Clock }, input: { approvalId: string; approve: boolean }, actor: StaffActor): Promise<ApprovalRequest> {
  if (!/^[0-9a-f-]{36}$/i.test(input.approvalId)) throw new AppError('not_found');
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<ApprovalRow>(
      `SELECT id, kind, subject, office_code, reason, requested_by, requested_at, state FROM approval_requests WHERE id = $1 FOR UPDATE`, [input.approvalId],
    );
    if (!rows[0]) throw new AppError('not_found');
    const request = toRequest(rows[0]);
    if (actor.staff.role !== 'supervisor' || actor.staff.officeCode !== request.officeCode || actor.staff.personId === request.requestedBy) {
      throw new AppError('forbidden', { message: 'a supervisor of the office, other than the requester, decides' });
    }
    if (request.state !== 'pending') throw new AppError('application_closed', { message: `the request is ${request.state}` });
    const state = input.approve ? 'approved' : 'refused';
    const now = deps.clock.now();
    await tx.query('UPDATE approval_requests SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1', [request.id, state, actor.staff.personId, now]);
    if (input.approve) await carryOut(tx, deps.clock, request, actor);
    await appendAudit(tx, deps.clock, {
      ...auditActor(actor), action: `approval.${state}`, subject: request.subject,
      details: { approval: request.id, kind: request.kind, office: request.officeCode, requestedBy: request.requestedBy, decidedBy: actor.staff.personId },
    });
    return { ...request, state };
  });
}

async function carryOut(tx: Queryable, clock: Clock, request: ApprovalRequest, actor: StaffActor): Promise<void> {
  if (request.kind === 'override_mismatch') {
    const application = await lockApplication(tx, clock, request.subject);
    assertState(application, 'awaiting_override');
    await tx.query(`UPDATE applications SET state = 'awaiting_verification' WHERE id = $1`, [application.id]);
    return;
  }
  await reactivateAccount(tx, { clock }, { personId: request.subject, reason: request.reason, approvedBy: actor.staff.personId }, actor);
}
