// An account's life after activation. Suspension stops every sign-in and ends what the
// account holds at the provider; reactivation and recovery happen only in person, at the
// counter; reactivation after fraud needs a supervisor's approval (approvals.ts).
//
//   active ──suspend (holder | clerk | fraud)──► suspended ──reactivate (in person)──► the state it can reach
//   any ──recoverInPerson──► awaiting_password (new activation code; factors and sessions revoked)
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotice } from '../notify/outbox.ts';
import { issueActivationCode } from './activation-codes.ts';
import { endEverything } from './account-reset.ts';
import { revokeCertificatesOf } from '../signing/revocation.ts';
import { endProviderState } from '../notify/logout-queue.ts';
import { auditActor, type StaffActor } from './staff.ts';
import type { RandomBytes } from './codes.ts';

export type Suspension = 'citizen_request' | 'clerk' | 'fraud';

interface AccountRow {
  state: 'awaiting_password' | 'awaiting_second_factor' | 'active' | 'suspended';
  suspension: Suspension | null;
  username: string;
  alive: boolean;
  home_office: string | null;
  [column: string]: unknown;
}

// The account, locked, with the office where its holder was last verified: the office
// whose staff may act on it.
export async function lockAccount(tx: Queryable, personId: string): Promise<AccountRow> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) throw new AppError('not_found');
  const { rows } = await tx.query<AccountRow>(
    `SELECT a.state, a.suspension, a.username, p.status = 'alive' AS alive,
       (SELECT office_code FROM applications WHERE person_id = a.id AND state = 'activated' ORDER BY decided_at DESC LIMIT 1) AS home_office
     FROM accounts a JOIN persons p ON p.id = a.id WHERE a.id = $1 FOR UPDATE OF a`,
    [personId],
  );
  if (!rows[0]) throw new AppError('not_found');
  return rows[0];
}

export function assertPersonAtOffice(actor: StaffActor, account: AccountRow): void {
  if (actor.staff.role === 'registrar_admin' || account.home_office === null || account.home_office !== actor.staff.officeCode) {
    throw new AppError('forbidden', { message: 'the person was not verified at this office' });
  }
}

async function suspend(tx: Queryable, clock: Clock, personId: string, suspension: Suspension): Promise<void> {
  await tx.query(`UPDATE accounts SET state = 'suspended', suspension = $2, suspended_at = $3, updated_at = $3 WHERE id = $1`, [personId, suspension, clock.now()]);
  await endProviderState(tx, clock, personId, 'suspension');
  await enqueueNotice(tx, clock, { accountId: personId, template: 'account_suspended', payload: { reason: suspension } });
}

// The holder suspends their own account (a lost phone, a suspicion): effective at once.
export async function suspendOwnAccount(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId?: string }): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const account = await lockAccount(tx, input.accountId);
    if (account.state === 'suspended') return;
    await suspend(tx, deps.clock, input.accountId, 'citizen_request');
    await appendAudit(tx, deps.clock, { actor: `person:${input.accountId}`, action: 'account.suspended', subject: input.accountId, requestId: input.requestId ?? null, details: { suspension: 'citizen_request' } });
  });
}

export async function suspendAccount(deps: { db: Db; clock: Clock }, input: { personId: string; fraud: boolean; reason: string }, actor: StaffActor): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const account = await lockAccount(tx, input.personId);
    assertPersonAtOffice(actor, account);
    const suspension: Suspension = input.fraud ? 'fraud' : 'clerk';
    // Raising a suspension to fraud is allowed; anything else on a suspended account is not.
    if (account.state === 'suspended' && !(suspension === 'fraud' && account.suspension !== 'fraud')) throw new AppError('account_state');
    await suspend(tx, deps.clock, input.personId, suspension);
    await appendAudit(tx, deps.clock, {
      ...auditActor(actor), action: 'account.suspended', subject: input.personId,
      details: { suspension, reason: input.reason, office: actor.staff.officeCode, staffRole: actor.staff.role },
    });
  });
}

// Back to where the account can be: active when it has a password and a second factor.
async function reachableState(tx: Queryable, personId: string): Promise<AccountRow['state']> {
  const { rows } = await tx.query<{ has_password: boolean; factors: string | number }>(
    `SELECT a.password_hash IS NOT NULL AS has_password,
       (SELECT count(*) FROM totp_factors t WHERE t.account_id = a.id AND t.confirmed_at IS NOT NULL) + (SELECT count(*) FROM passkeys k WHERE k.account_id = a.id) AS factors
     FROM accounts a WHERE a.id = $1`,
    [personId],
  );
  const row = rows[0]!;
  if (!row.has_password) return 'awaiting_password';
  return Number(row.factors) > 0 ? 'active' : 'awaiting_second_factor';
}

// Reactivation, in person. After a fraud suspension this runs only from an approved
// four-eyes request (approvals.ts), which passes `approvedBy`.
export async function reactivateAccount(tx: Queryable, deps: { clock: Clock }, input: { personId: string; reason: string; approvedBy?: string }, actor: StaffActor): Promise<void> {
  const account = await lockAccount(tx, input.personId);
  assertPersonAtOffice(actor, account);
  if (account.state !== 'suspended' || !account.alive) throw new AppError('account_state');
  if (account.suspension === 'fraud' && !input.approvedBy) throw new AppError('approval_required');
  const state = await reachableState(tx, input.personId);
  await tx.query(`UPDATE accounts SET state = $2, suspension = NULL, suspended_at = NULL, updated_at = $3 WHERE id = $1`, [input.personId, state, deps.clock.now()]);
  await appendAudit(tx, deps.clock, {
    ...auditActor(actor), action: 'account.reactivated', subject: input.personId,
    details: { after: account.suspension, reason: input.reason, office: actor.staff.officeCode, staffRole: actor.staff.role, approvedBy: input.approvedBy ?? null },
  });
}

export function reactivate(deps: { db: Db; clock: Clock }, input: { personId: string; reason: string }, actor: StaffActor): Promise<void> {
  return deps.db.transaction((tx) => reactivateAccount(tx, deps, input, actor));
}

// In-person recovery: a new activation code, and nothing of the old sign-in survives.
// A fraud suspension is not lifted this way; it needs the four-eyes reactivation first.
export async function recoverInPerson(
  deps: { db: Db; clock: Clock; random?: RandomBytes; codeDays?: number },
  input: { personId: string },
  actor: StaffActor,
): Promise<{ username: string; activationCode: string; codeExpiresAt: Date }> {
  return deps.db.transaction(async (tx) => {
    const account = await lockAccount(tx, input.personId);
    assertPersonAtOffice(actor, account);
    if (!account.alive || account.suspension === 'fraud') throw new AppError(account.alive ? 'approval_required' : 'account_state');
    await endEverything(tx, deps.clock, input.personId, auditActor(actor));
    await tx.query(
      `UPDATE accounts SET password_hash = NULL, state = 'awaiting_password', suspension = NULL, suspended_at = NULL, updated_at = $2 WHERE id = $1`,
      [input.personId, deps.clock.now()],
    );
    const code = await issueActivationCode(tx, deps, { accountId: input.personId, purpose: 'recovery', issuedBy: actor.staff.personId });
    await appendAudit(tx, deps.clock, {
      ...auditActor(actor), action: 'account.recovered', subject: input.personId, details: { office: actor.staff.officeCode, staffRole: actor.staff.role },
    });
    await enqueueNotice(tx, deps.clock, { accountId: input.personId, template: 'account_recovered', payload: { officeCode: actor.staff.officeCode ?? '' } });
    return { username: account.username, activationCode: code.code, codeExpiresAt: code.expiresAt };
  });
}

export interface CounterAccount {
  username: string;
  state: AccountRow['state'];
  suspension: Suspension | null;
  // Death from the registry, or a block: no sign-in whatever the state.
  blocked: boolean;
  homeOffice: string | null;
  locale: 'ar' | 'fr' | 'en';
}

// What the counter shows of a person's account before a clerk acts on it.
export async function accountAtCounter(db: Db, personId: string): Promise<CounterAccount | null> {
  if (!/^[0-9a-f-]{36}$/i.test(personId)) return null;
  const { rows } = await db.query<AccountRow & { blocked: boolean; locale: 'ar' | 'fr' | 'en' }>(
    `SELECT a.state, a.suspension, a.username, p.status = 'alive' AS alive, (a.blocked_at IS NOT NULL OR p.status <> 'alive') AS blocked,
       COALESCE(a.locale, p.locale) AS locale,
       (SELECT office_code FROM applications WHERE person_id = a.id AND state = 'activated' ORDER BY decided_at DESC LIMIT 1) AS home_office
     FROM accounts a JOIN persons p ON p.id = a.id WHERE a.id = $1`,
    [personId],
  );
  const row = rows[0];
  return row ? { username: row.username, state: row.state, suspension: row.suspension, blocked: row.blocked, homeOffice: row.home_office, locale: row.locale } : null;
}

// A clerk revokes the citizen's signing certificates (a lost phone, a key they no longer
// trust, or no longer wanted): in person, at the office that verified them. The CRL and
// OCSP answer "revoked" from this commit on. Returns how many were revoked.
export async function revokeSigningCertificates(deps: { db: Db; clock: Clock }, input: { personId: string; compromised: boolean }, actor: StaffActor): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const account = await lockAccount(tx, input.personId);
    assertPersonAtOffice(actor, account);
    const serials = await revokeCertificatesOf(tx, deps.clock, input.personId, input.compromised ? 'key_compromise' : 'cessation_of_operation', {
      ...auditActor(actor),
    });
    return serials.length;
  });
}
