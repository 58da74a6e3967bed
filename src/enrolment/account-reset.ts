// What an in-person recovery (or a re-enrolment) takes away: every session, grant, code
// and token the account holds at the provider, and every sign-in factor, so whoever held
// them before can do nothing more with them.
import type { Queryable } from '../db/db.ts';

export async function endProviderState(tx: Queryable, accountId: string): Promise<number> {
  const { rowCount } = await tx.query(`DELETE FROM oidc_model WHERE payload ->> 'accountId' = $1`, [accountId]);
  return rowCount;
}

export async function endEverything(tx: Queryable, accountId: string): Promise<void> {
  await endProviderState(tx, accountId);
  await tx.query('DELETE FROM totp_factors WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM passkeys WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM activation_codes WHERE account_id = $1', [accountId]);
}
