// Authenticator-app codes (TOTP, RFC 6238: SHA-1, 6 digits, 30 s, as every app expects).
// The secret is sealed at rest; a code is accepted once: the time step it matched is
// stored, and a code for the same or an earlier step is refused, even on another node.
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Db, Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';

export interface TotpDeps {
  db: Db;
  box: SealedBox;
  clock: Clock;
}

// What reading and spending a code needs: a Db, or a caller's transaction.
export type TotpStore = Pick<TotpDeps, 'box' | 'clock'> & { db: Queryable };

const context = (accountId: string) => `totp:${accountId}`;
// One step either way: a phone's clock may be 30 s off.
const TOLERANCE_SECONDS = 30;
export const TOTP_CODE = /^\d{6}$/;

interface TotpRow {
  secret_sealed: unknown;
  last_step: string | number | null;
  confirmed_at: Date | null;
  [column: string]: unknown;
}

// Starts (or restarts) enrolment: a new secret, not usable for sign-in until confirmed.
// Only the demo seed passes a secret (its demo person's, printed for the demo).
export async function beginTotpEnrolment(deps: TotpDeps, accountId: string, label: string, secret: string = generateSecret()): Promise<{ secret: string; uri: string; qrSvg: string }> {
  await deps.db.query(
    `INSERT INTO totp_factors (account_id, secret_sealed, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (account_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, last_step = NULL, confirmed_at = NULL, created_at = excluded.created_at
     WHERE totp_factors.confirmed_at IS NULL`,
    [accountId, deps.box.seal(Buffer.from(secret), context(accountId)), deps.clock.now()],
  );
  return enrolmentView(secret, label);
}

async function enrolmentView(secret: string, label: string): Promise<{ secret: string; uri: string; qrSvg: string }> {
  const uri = generateURI({ issuer: 'Hawiya', label, secret });
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }) };
}

// The enrolment under way, if it started less than maxAgeSeconds ago: a reload or a
// mistyped code shows the same secret again, so what the person scanned stays valid.
export async function pendingTotpEnrolment(deps: TotpStore, accountId: string, label: string, maxAgeSeconds: number): Promise<{ secret: string; uri: string; qrSvg: string } | null> {
  const { rows } = await deps.db.query<TotpRow & { created_at: Date }>(
    'SELECT secret_sealed, last_step, confirmed_at, created_at FROM totp_factors WHERE account_id = $1 AND confirmed_at IS NULL AND created_at > $2',
    [accountId, new Date(deps.clock.now().getTime() - maxAgeSeconds * 1000)],
  );
  if (!rows[0]) return null;
  return enrolmentView(deps.box.open(toBuffer(rows[0].secret_sealed), context(accountId)).toString(), label);
}

async function readFactor(queryable: Queryable, accountId: string): Promise<TotpRow | undefined> {
  const { rows } = await queryable.query<TotpRow>('SELECT secret_sealed, last_step, confirmed_at FROM totp_factors WHERE account_id = $1', [accountId]);
  return rows[0];
}

// True when the code matches a step not used before; that step is then spent.
async function acceptCode(deps: TotpStore, accountId: string, code: string, confirmed: boolean): Promise<boolean> {
  if (!TOTP_CODE.test(code)) return false;
  const factor = await readFactor(deps.db, accountId);
  if (!factor || (factor.confirmed_at !== null) !== confirmed) return false;
  const secret = deps.box.open(toBuffer(factor.secret_sealed), context(accountId)).toString();
  const result = await verify({
    secret, token: code, epoch: Math.floor(deps.clock.now().getTime() / 1000), epochTolerance: TOLERANCE_SECONDS,
    ...(factor.last_step !== null ? { afterTimeStep: Number(factor.last_step) } : {}),
  });
  if (!result.valid || !('timeStep' in result)) return false;
  // Check-and-set: of two nodes given the same code at once, one wins.
  const { rowCount } = await deps.db.query(
    `UPDATE totp_factors SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3)
     WHERE account_id = $1 AND (last_step IS NULL OR last_step < $2)`,
    [accountId, result.timeStep, deps.clock.now()],
  );
  return rowCount === 1;
}

export function confirmTotpEnrolment(deps: TotpStore, accountId: string, code: string): Promise<boolean> {
  return acceptCode(deps, accountId, code, false);
}

export function verifyTotp(deps: TotpStore, accountId: string, code: string): Promise<boolean> {
  return acceptCode(deps, accountId, code, true);
}

export async function hasTotp(db: Db, accountId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM totp_factors WHERE account_id = $1 AND confirmed_at IS NOT NULL', [accountId]);
  return rows.length > 0;
}

export async function removeTotp(tx: Queryable, accountId: string): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM totp_factors WHERE account_id = $1', [accountId]);
  return rowCount > 0;
}
