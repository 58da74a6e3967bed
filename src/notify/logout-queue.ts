// The back-channel logout queue (OpenID Connect Back-Channel Logout 1.0): when a session
// ends, for whatever reason (the relying party's logout, the person on their account page,
// a death in the register), one delivery per client of the session that registered a
// backchannel_logout_uri is written here, in the transaction that ends the session. A
// worker (oidc/logout-delivery.ts) posts them, with retries. This is the only path.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';

export type LogoutReason = 'rp_logout' | 'account_page' | 'death' | 'suspension' | 'recovery';

export interface SessionLogout {
  accountId: string;
  clientId: string;
  // The session's sid for this client, as its ID tokens carried it.
  sid: string | undefined;
}

// Clients without a back-channel logout URI are skipped. Returns how many were queued.
export async function queueLogouts(tx: Queryable, clock: Clock, reason: LogoutReason, logouts: readonly SessionLogout[]): Promise<number> {
  if (logouts.length === 0) return 0;
  const now = clock.now();
  const { rowCount } = await tx.query(
    `INSERT INTO logout_deliveries (id, client_id, account_id, sid, uri, reason, created_at, next_attempt_at)
     SELECT w.id, c.client_id, w.account_id, w.sid, c.metadata ->> 'backchannel_logout_uri', $2, $3, $3
     FROM jsonb_to_recordset($1::jsonb) AS w (id uuid, client_id text, account_id text, sid text)
     JOIN clients c ON c.client_id = w.client_id
     WHERE c.metadata ? 'backchannel_logout_uri'`,
    [JSON.stringify(logouts.map((each) => ({ id: randomUUID(), client_id: each.clientId, account_id: each.accountId, sid: each.sid ?? null }))), reason, now],
  );
  return rowCount;
}

export interface SessionPayload {
  accountId?: string;
  authorizations?: Record<string, { sid?: string }>;
}

// The logouts owed for provider Session payloads that are being ended.
export function logoutsOfSessions(sessions: readonly SessionPayload[]): SessionLogout[] {
  return sessions.flatMap((session) => (session.accountId
    ? Object.entries(session.authorizations ?? {}).map(([clientId, value]) => ({ accountId: session.accountId!, clientId, sid: value.sid }))
    : []));
}

// Ends everything an account holds at the provider (sessions, grants, codes, tokens) and
// queues the back-channel logouts its sessions owe, in the caller's transaction: the one
// way a death, a suspension or an in-person recovery signs a person out everywhere.
export async function endProviderState(tx: Queryable, clock: Clock, accountId: string, reason: LogoutReason): Promise<number> {
  const { rows, rowCount } = await tx.query<{ model: string; payload: SessionPayload }>(
    `DELETE FROM oidc_model WHERE payload ->> 'accountId' = $1 RETURNING model, payload`, [accountId],
  );
  await queueLogouts(tx, clock, reason, logoutsOfSessions(rows.filter((row) => row.model === 'Session').map((row) => row.payload)));
  return rowCount;
}
