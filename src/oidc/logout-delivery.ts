// Back-channel logout delivery: the worker that posts queued logout tokens
// (notify/logout-queue.ts) to relying parties, retrying with a doubling delay.
//
// oidc-provider's own delivery is one POST, fire and forget, at the moment of an
// RP-initiated logout. Its Client#backchannelLogout is replaced here by a write to our
// queue, so the library's logout, the account pages and registry deaths all take one
// path. This is the one file in oidc/ that reaches past the library's documented
// configuration: that method, and IdToken's `mask`, as the library's own delivery uses it.
import type { Provider } from 'oidc-provider';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { queueLogouts } from '../notify/logout-queue.ts';

export interface LogoutDeliveryDeps {
  db: Db;
  clock: Clock;
  provider(): Provider;
  // First retry after this long, doubling each time, capped at an hour.
  retrySeconds: number;
  maxAttempts: number;
  timeoutMs: number;
  onFailure?(failure: { id: string; clientId: string; attempts: number; error: string; abandoned: boolean }): void;
}

interface DueDelivery {
  id: string;
  client_id: string;
  account_id: string;
  sid: string | null;
  uri: string;
  attempts: number;
  [column: string]: unknown;
}

// While a node delivers, others leave the row alone for this long.
const LEASE_SECONDS = 60;
const MAX_BACKOFF_SECONDS = 3600;
const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

// RP-initiated logout at the provider: queue instead of posting.
export function queueLibraryLogouts(provider: Provider, deps: { db: Db; clock: Clock }): void {
  const prototype = provider.Client.prototype as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
  prototype.backchannelLogout = async function queueLogout(this: { clientId: string }, accountId: string, sid: string) {
    await deps.db.transaction((tx) => queueLogouts(tx, deps.clock, 'rp_logout', [{ accountId, clientId: this.clientId, sid }]));
  };
}

// Signed at each attempt with the provider's current key (and encrypted when the client
// registered ID token encryption), so a retry never carries an expired token.
async function logoutToken(provider: Provider, delivery: DueDelivery): Promise<string | null> {
  const client = await provider.Client.find(delivery.client_id);
  if (!client) return null;
  const token = new provider.IdToken({ sub: delivery.account_id }, { client });
  Object.assign(token, { mask: { sub: null } });
  token.set('events', { [BACKCHANNEL_LOGOUT_EVENT]: {} });
  token.set('jti', randomUUID());
  if (delivery.sid) token.set('sid', delivery.sid);
  return token.issue({ use: 'logout' });
}

async function post(uri: string, token: string, timeoutMs: number): Promise<number> {
  const response = await fetch(uri, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.body?.cancel();
  return response.status;
}

async function attempt(deps: LogoutDeliveryDeps, delivery: DueDelivery): Promise<boolean> {
  let status: number | null = null;
  let error: string;
  try {
    const token = await logoutToken(deps.provider(), delivery);
    if (token === null) {
      error = 'the client is no longer registered';
    } else {
      status = await post(delivery.uri, token, deps.timeoutMs);
      // Back-Channel Logout §2.8: 200 OK (or 204) means the relying party logged the session out.
      if (status === 200 || status === 204) {
        await deps.db.query('UPDATE logout_deliveries SET delivered_at = $2, attempts = attempts + 1, last_status = $3, last_error = NULL WHERE id = $1', [delivery.id, deps.clock.now(), status]);
        return true;
      }
      error = `answered ${status}`;
    }
  } catch (err) {
    error = String((err as Error).message).slice(0, 500);
  }
  const attempts = delivery.attempts + 1;
  const abandoned = attempts >= deps.maxAttempts || error === 'the client is no longer registered';
  const delay = Math.min(MAX_BACKOFF_SECONDS, deps.retrySeconds * 2 ** delivery.attempts);
  const now = deps.clock.now();
  await deps.db.query(
    'UPDATE logout_deliveries SET attempts = $2, last_status = $3, last_error = $4, next_attempt_at = $5, abandoned_at = $6 WHERE id = $1',
    [delivery.id, attempts, status, error, new Date(now.getTime() + delay * 1000), abandoned ? now : null],
  );
  deps.onFailure?.({ id: delivery.id, clientId: delivery.client_id, attempts, error, abandoned });
  return false;
}

// Delivers what is due, a batch at a time, in parallel.
export async function deliverDueLogouts(deps: LogoutDeliveryDeps, limit = 50): Promise<{ delivered: number; failed: number }> {
  const now = deps.clock.now();
  // Claimed with a lease, so two nodes never post one logout token twice at once.
  const { rows } = await deps.db.query<DueDelivery>(
    `UPDATE logout_deliveries SET next_attempt_at = $3 WHERE id IN (
       SELECT id FROM logout_deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= $1
       ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING id, client_id, account_id, sid, uri, attempts`,
    [now, limit, new Date(now.getTime() + LEASE_SECONDS * 1000)],
  );
  const results = await Promise.all(rows.map((delivery) => attempt(deps, delivery)));
  const delivered = results.filter(Boolean).length;
  return { delivered, failed: results.length - delivered };
}

export interface LogoutDeliveryStatus {
  id: string;
  client_id: string;
  sid: string | null;
  reason: string;
  status: 'pending' | 'delivered' | 'abandoned';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  [column: string]: unknown;
}

// For admins: the deliveries of one client (or all), newest first. No account ids.
export async function listLogoutDeliveries(db: Db, filter: { clientId?: string | undefined; status?: LogoutDeliveryStatus['status'] | undefined; limit: number }): Promise<LogoutDeliveryStatus[]> {
  const { rows } = await db.query<LogoutDeliveryStatus>(
    `SELECT * FROM (
       SELECT id, client_id, sid, reason, attempts, last_status, last_error, created_at, delivered_at,
         CASE WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN abandoned_at IS NOT NULL THEN 'abandoned' ELSE 'pending' END AS status,
         CASE WHEN delivered_at IS NULL AND abandoned_at IS NULL THEN next_attempt_at END AS next_attempt_at
       FROM logout_deliveries WHERE $1::text IS NULL OR client_id = $1) d
     WHERE $2::text IS NULL OR status = $2 ORDER BY created_at DESC LIMIT $3`,
    [filter.clientId ?? null, filter.status ?? null, filter.limit],
  );
  return rows;
}
