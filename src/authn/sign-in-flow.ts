// A sign-in across its factors. What the person has proved so far is kept per
// interaction (signin_progress), so the next factor can be asked on any node; a step-up
// starts from what the session already holds. The flow asks only for what is missing, and
// says at once when the account cannot reach the level at all.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { atLeast, levelOf, withMfa, type Level, type Method } from './assurance.ts';
import { hasTotp } from './totp.ts';
import { listPasskeys, type Passkey } from './passkeys.ts';
import { remainingRecoveryCodes } from './recovery-codes.ts';

export interface Progress {
  accountId: string;
  amr: Method[];
}

export interface Factors {
  totp: boolean;
  passkeys: Passkey[];
  recoveryCodes: number;
  verifiedInPerson: boolean;
}

export type SecondFactor = 'totp' | 'passkey' | 'recovery';

const PROGRESS_SECONDS = 900;

export async function readProgress(db: Db, clock: Clock, uid: string): Promise<Progress | null> {
  const { rows } = await db.query<{ account_id: string; amr: Method[] }>(
    'SELECT account_id, amr FROM signin_progress WHERE interaction_uid = $1 AND expires_at > $2', [uid, clock.now()],
  );
  return rows[0] ? { accountId: rows[0].account_id, amr: rows[0].amr } : null;
}

// Adds methods to what this interaction has proved. A different account starts over.
export async function recordProgress(db: Db, clock: Clock, uid: string, progress: Progress): Promise<void> {
  await db.query(
    `INSERT INTO signin_progress (interaction_uid, account_id, amr, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (interaction_uid) DO UPDATE SET account_id = excluded.account_id, amr = excluded.amr, expires_at = excluded.expires_at`,
    [uid, progress.accountId, progress.amr, new Date(clock.now().getTime() + PROGRESS_SECONDS * 1000)],
  );
}

// Unfinished sign-ins and unanswered passkey challenges, once expired.
export async function purgeSignInLeftovers(db: Db, clock: Clock): Promise<number> {
  const now = clock.now();
  const progress = await db.query('DELETE FROM signin_progress WHERE expires_at <= $1', [now]);
  const challenges = await db.query('DELETE FROM webauthn_challenges WHERE expires_at <= $1', [now]);
  return progress.rowCount + challenges.rowCount;
}

export async function clearProgress(db: Db, uid: string): Promise<void> {
  await db.query('DELETE FROM signin_progress WHERE interaction_uid = $1', [uid]);
}

export async function factorsOf(db: Db, accountId: string, verifiedInPerson: boolean): Promise<Factors> {
  const [totp, passkeys, recoveryCodes] = await Promise.all([hasTotp(db, accountId), listPasskeys(db, accountId), remainingRecoveryCodes(db, accountId)]);
  return { totp, passkeys, recoveryCodes, verifiedInPerson };
}

export function merge(a: readonly Method[], b: readonly Method[]): Method[] {
  return withMfa(new Set([...a, ...b]));
}

// The factors that would lift `proved` to `required`, in the order the page offers them.
export function missingFactors(proved: readonly Method[], required: Level, factors: Factors): SecondFactor[] {
  if (atLeast(levelOf(proved, factors), required)) return [];
  if (required === 'high') {
    // Only a device-bound passkey, on an account verified in person, reaches high.
    return factors.verifiedInPerson && factors.passkeys.some((passkey) => !passkey.backedUp) ? ['passkey'] : [];
  }
  const offered: SecondFactor[] = [];
  const hasPassword = proved.includes('pwd');
  if (hasPassword && factors.totp) offered.push('totp');
  if (factors.passkeys.length > 0) offered.push('passkey');
  if (hasPassword && factors.recoveryCodes > 0) offered.push('recovery');
  return offered;
}
