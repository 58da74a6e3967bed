// The language a person chose on their account page (accounts.locale; null until they
// choose), recorded in the audit log like any change to an account.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export type AccountLocale = 'ar' | 'fr' | 'en';

export async function chosenLocale(db: Db, accountId: string): Promise<AccountLocale | null> {
  const { rows } = await db.query<{ locale: AccountLocale | null }>('SELECT locale FROM accounts WHERE id = $1', [accountId]);
  return rows[0]?.locale ?? null;
}

export async function chooseLocale(deps: { db: Db; clock: Clock }, change: { accountId: string; requestId: string }, locale: AccountLocale): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await tx.query('UPDATE accounts SET locale = $2, updated_at = $3 WHERE id = $1', [change.accountId, locale, deps.clock.now()]);
    await appendAudit(tx, deps.clock, {
      actor: `person:${change.accountId}`, action: 'account.locale_changed', subject: change.accountId, requestId: change.requestId, details: { locale },
    });
  });
}
