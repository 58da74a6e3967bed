// What an in-person recovery (or a re-enrolment) takes away: every session, grant, code
// and token the account holds at the provider, with a back-channel logout to each service
// of its sessions, and every sign-in factor, so whoever held them before can do nothing
// more with them.
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { endProviderState } from '../notify/logout-queue.ts';

export async function endEverything(tx: Queryable, clock: Clock, accountId: string): Promise<void> {
  await endProviderState(tx, clock, accountId, 'recovery');
  await tx.query('DELETE FROM totp_factors WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM passkeys WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM activation_codes WHERE account_id = $1', [accountId]);
}
