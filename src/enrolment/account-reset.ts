// What an in-person recovery (or a re-enrolment) takes away: every session, grant, code
// and token the account holds at the provider, with a back-channel logout to each service
// of its sessions, every signing certificate, and every sign-in factor, so whoever held
// them before can do nothing more with them.
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { endProviderState } from '../notify/logout-queue.ts';
import { revokeCertificatesOf, type RevocationActor } from '../signing/revocation.ts';

// The signing certificates go too: whoever held the account may have used its key.
export async function endEverything(tx: Queryable, clock: Clock, accountId: string, actor: RevocationActor): Promise<void> {
  await endProviderState(tx, clock, accountId, 'recovery');
  await revokeCertificatesOf(tx, clock, accountId, 'key_compromise', actor);
  await tx.query('DELETE FROM totp_factors WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM passkeys WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM recovery_codes WHERE account_id = $1', [accountId]);
  await tx.query('DELETE FROM activation_codes WHERE account_id = $1', [accountId]);
}
