// Ten one-time recovery codes, shown once and stored as SHA-256: each is 50 random bits
// in base32, too long to guess, so a slow hash adds nothing.
import { createHash, randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_COUNT = 10;

// Grouped 5-5 for reading aloud and typing; case, spaces and dashes are ignored.
function newCode(): string {
  const bytes = randomBytes(10);
  let code = '';
  for (const byte of bytes) code += ALPHABET[byte % ALPHABET.length];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

export function normaliseRecoveryCode(input: string): string {
  const plain = input.toUpperCase().replace(/[\s-]/g, '');
  return plain.length === 10 ? `${plain.slice(0, 5)}-${plain.slice(5)}` : plain;
}

const hash = (code: string) => createHash('sha256').update(normaliseRecoveryCode(code)).digest('hex');

// Replaces any earlier set: the old codes stop working.
export async function issueRecoveryCodes(tx: Queryable, clock: Clock, accountId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
  await tx.query(
    `INSERT INTO recovery_codes (account_id, code_hash, created_at) SELECT $1, h, $3 FROM unnest($2::text[]) AS codes(h)`,
    [accountId, codes.map(hash), clock.now()],
  );
  return codes;
}

// Spends a code: true once, then never again.
export async function useRecoveryCode(db: Db, clock: Clock, accountId: string, code: string): Promise<boolean> {
  if (normaliseRecoveryCode(code).length !== 11) return false;
  const { rowCount } = await db.query(
    'UPDATE recovery_codes SET used_at = $3 WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL',
    [accountId, hash(code), clock.now()],
  );
  return rowCount === 1;
}

export async function remainingRecoveryCodes(db: Db, accountId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL', [accountId]);
  return Number(rows[0]?.n ?? 0);
}
