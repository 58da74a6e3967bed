// Activation codes: what a clerk hands the citizen with the slip, and what the citizen
// types at their first sign-in to set a password. One live code per account; issuing a
// new one (in-person recovery) replaces the old. Stored as SHA-256 (codes.ts).
//
//   account: awaiting_password ──setFirstPassword──► awaiting_second_factor
//            ──completeActivation (a second factor exists)──► active
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { PasswordHasher } from '../authn/passwords.ts';
import { normaliseUsername } from '../authn/accounts.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { enqueueNotice } from '../notify/outbox.ts';
import { AppError } from '../errors.ts';
import { generateActivationCode, hashActivationCode, type RandomBytes } from './codes.ts';

export const ACTIVATION_CODE_DAYS = 14;

export async function issueActivationCode(
  tx: Queryable,
  deps: { clock: Clock; random?: RandomBytes | undefined; codeDays?: number | undefined },
  input: { accountId: string; purpose: 'activation' | 'recovery'; issuedBy: string },
): Promise<{ code: string; expiresAt: Date }> {
  const code = generateActivationCode(deps.random);
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + (deps.codeDays ?? ACTIVATION_CODE_DAYS) * 24 * 3600 * 1000);
  await tx.query(
    `INSERT INTO activation_codes (account_id, code_hash, purpose, issued_by, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (account_id) DO UPDATE SET code_hash = excluded.code_hash, purpose = excluded.purpose, issued_by = excluded.issued_by,
       issued_at = excluded.issued_at, expires_at = excluded.expires_at, used_at = NULL`,
    [input.accountId, hashActivationCode(code), input.purpose, input.issuedBy, now, expiresAt],
  );
  return { code, expiresAt };
}

// The account a username and an unused, unexpired code belong to, or null: one answer
// for every way it can be wrong. With `lock`, the code's row is held for the caller.
export async function findByActivationCode(tx: Queryable, clock: Clock, input: { username: string; code: string }, lock = false): Promise<string | null> {
  const hash = hashActivationCode(input.code);
  if (!hash) return null;
  const { rows } = await tx.query<{ account_id: string }>(
    `SELECT c.account_id FROM activation_codes c JOIN accounts a ON a.id = c.account_id JOIN persons p ON p.id = a.id
     WHERE a.username = $1 AND c.code_hash = $2 AND c.used_at IS NULL AND c.expires_at > $3
       AND a.state = 'awaiting_password' AND a.blocked_at IS NULL AND p.status = 'alive'${lock ? ' FOR UPDATE OF c' : ''}`,
    [normaliseUsername(input.username), hash, clock.now()],
  );
  return rows[0]?.account_id ?? null;
}

export function checkActivationCode(db: Db, clock: Clock, input: { username: string; code: string }): Promise<string | null> {
  return findByActivationCode(db, clock, input);
}

// Spends the code and sets the first password, in one transaction: a code works once,
// even when two tabs submit it together. The password policy is the caller's to check.
export async function setFirstPassword(
  deps: { db: Db; clock: Clock; hasher: PasswordHasher },
  input: { username: string; code: string; password: string; requestId?: string },
): Promise<string> {
  const hash = await deps.hasher.hash(input.password);
  return deps.db.transaction(async (tx) => {
    const accountId = await findByActivationCode(tx, deps.clock, input, true);
    if (!accountId) throw new AppError('activation_failed');
    await spendCode(tx, deps.clock, accountId, hash, input.requestId);
    return accountId;
  });
}

// The same, when the first sign-in proved the code on an earlier page of the same
// sign-in: the web layer keeps the account id server-side (never the code), and the
// account's code must still be live and unused now, so a code spent or replaced in the
// meantime stops it here.
export async function setFirstPasswordOfAccount(
  deps: { db: Db; clock: Clock; hasher: PasswordHasher },
  input: { accountId: string; password: string; requestId?: string },
): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(input.accountId)) throw new AppError('activation_failed');
  const hash = await deps.hasher.hash(input.password);
  await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ account_id: string }>(
      `SELECT c.account_id FROM activation_codes c JOIN accounts a ON a.id = c.account_id JOIN persons p ON p.id = a.id
       WHERE c.account_id = $1 AND c.used_at IS NULL AND c.expires_at > $2
         AND a.state = 'awaiting_password' AND a.blocked_at IS NULL AND p.status = 'alive' FOR UPDATE OF c`,
      [input.accountId, deps.clock.now()],
    );
    if (!rows[0]) throw new AppError('activation_failed');
    await spendCode(tx, deps.clock, input.accountId, hash, input.requestId);
  });
}

async function spendCode(tx: Queryable, clock: Clock, accountId: string, hash: string, requestId: string | undefined): Promise<void> {
  const now = clock.now();
  await tx.query('UPDATE activation_codes SET used_at = $2 WHERE account_id = $1', [accountId, now]);
  await tx.query(`UPDATE accounts SET password_hash = $2, state = 'awaiting_second_factor', updated_at = $3 WHERE id = $1`, [accountId, hash, now]);
  await appendAudit(tx, clock, { actor: `person:${accountId}`, action: 'account.first_password_set', subject: accountId, requestId: requestId ?? null });
}

// The last step of the first sign-in: the account becomes active once it has a second
// factor. True when it is active now (also when it already was).
export async function completeActivation(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId?: string }): Promise<boolean> {
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ state: string; factors: number }>(
      `SELECT a.state, (SELECT count(*) FROM totp_factors t WHERE t.account_id = a.id AND t.confirmed_at IS NOT NULL)
         + (SELECT count(*) FROM passkeys k WHERE k.account_id = a.id) AS factors
       FROM accounts a WHERE a.id = $1 FOR UPDATE`,
      [input.accountId],
    );
    const account = rows[0];
    if (!account) return false;
    if (account.state === 'active') return true;
    if (account.state !== 'awaiting_second_factor' || Number(account.factors) === 0) return false;
    await tx.query(`UPDATE accounts SET state = 'active', updated_at = $2 WHERE id = $1`, [input.accountId, deps.clock.now()]);
    await appendAudit(tx, deps.clock, { actor: `person:${input.accountId}`, action: 'account.activated', subject: input.accountId, requestId: input.requestId ?? null });
    await enqueueNotice(tx, deps.clock, { accountId: input.accountId, template: 'account_activated' });
    return true;
  });
}
