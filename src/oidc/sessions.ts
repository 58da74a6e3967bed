// A person's sessions at the provider, as the account pages see them: the current one
// (from the signed session cookie), all of this account's, and ending them. Ending a
// session removes it and revokes the grants of every relying party it signed in to,
// with their codes and tokens, and queues their back-channel logouts, in one transaction
// with its audit record.
import type { Provider } from 'oidc-provider';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { revokeGrantsById } from './grants.ts';
import { queueLogouts } from '../notify/logout-queue.ts';

export interface SessionAuthorization {
  clientId: string;
  // The sid a back-channel logout token would carry.
  sid: string | undefined;
  grantId: string | undefined;
}

// Where a session was signed in: the browser and the network prefix. `hash` names the
// device (a hash of its random cookie), to end all its sessions at once.
export interface SessionDevice {
  hash: string;
  userAgent: string;
  network: string;
}

export interface AccountSession {
  // `uid` names a session on pages and forms; its `id` is the cookie's value and never leaves the server.
  uid: string;
  accountId: string;
  loginTs: number;
  acr: string | undefined;
  amr: string[];
  authorizations: SessionAuthorization[];
  // Unknown for a session signed in before devices were noted.
  device?: SessionDevice;
}

interface SessionPayload {
  uid?: string;
  accountId?: string;
  loginTs?: number;
  acr?: string;
  amr?: string[];
  authorizations?: Record<string, { sid?: string; grantId?: string }>;
}

// What the account pages need to read the cookie: Koa's ctx.cookies fits.
export interface CookieReader {
  get(name: string, options?: { signed?: boolean }): string | undefined;
}

function toAccountSession(payload: SessionPayload): AccountSession | null {
  if (!payload.uid || !payload.accountId || typeof payload.loginTs !== 'number') return null;
  return {
    uid: payload.uid,
    accountId: payload.accountId,
    loginTs: payload.loginTs,
    acr: payload.acr,
    amr: payload.amr ?? [],
    authorizations: Object.entries(payload.authorizations ?? {}).map(([clientId, value]) => ({ clientId, sid: value.sid, grantId: value.grantId })),
  };
}

// The session the browser's signed cookie names, if it is still valid and signed in.
// Using the account pages is using the session: it is saved again with a fresh idle
// lifetime (ttlFor), as the provider does on each of its own requests.
export async function currentSession(provider: Provider, cookies: CookieReader, ttlFor: (loginTs: number | undefined) => number): Promise<AccountSession | null> {
  const id = cookies.get(provider.cookieName('session'), { signed: true });
  if (!id) return null;
  const session = await provider.Session.find(id);
  if (!session) return null;
  await session.save(ttlFor((session as { loginTs?: number }).loginTs));
  return toAccountSession(session as SessionPayload);
}

export function sessionCookieName(provider: Provider): string {
  return provider.cookieName('session');
}

export async function listSessions(db: Db, clock: Clock, accountId: string): Promise<AccountSession[]> {
  const { rows } = await db.query<{ payload: SessionPayload; device_hash: string | null; user_agent: string | null; network: string | null }>(
    `SELECT m.payload, d.device_hash, d.user_agent, d.network
       FROM oidc_model m LEFT JOIN session_devices d ON d.session_uid = m.uid
      WHERE m.model = 'Session' AND m.payload ->> 'accountId' = $1 AND (m.expires_at IS NULL OR m.expires_at > $2)`,
    [accountId, clock.now()],
  );
  return rows.flatMap((row) => {
    const session = toAccountSession(row.payload);
    if (!session) return [];
    return [row.device_hash === null ? session : { ...session, device: { hash: row.device_hash, userAgent: row.user_agent ?? '', network: row.network ?? '' } }];
  }).sort((a, b) => b.loginTs - a.loginTs);
}

// uids null: every session of the account.
async function deleteSessions(tx: Queryable, accountId: string, uids: readonly string[] | null): Promise<AccountSession[]> {
  const { rows } = await tx.query<{ payload: SessionPayload }>(
    `DELETE FROM oidc_model WHERE model = 'Session' AND payload ->> 'accountId' = $1 AND ($2::text[] IS NULL OR uid = ANY($2::text[])) RETURNING payload`,
    [accountId, uids],
  );
  const ended = rows.map((row) => toAccountSession(row.payload)).filter((session) => session !== null);
  if (ended.length > 0) await tx.query('DELETE FROM session_devices WHERE session_uid = ANY($1::text[])', [ended.map((session) => session.uid)]);
  return ended;
}

type EndedHow = 'session.ended' | 'session.ended_on_device' | 'session.ended_all';

async function end(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId: string }, uids: readonly string[] | null, how: EndedHow): Promise<AccountSession[]> {
  return deps.db.transaction(async (tx) => {
    const ended = await deleteSessions(tx, input.accountId, uids);
    if (ended.length === 0) return ended;
    const grantIds = ended.flatMap((session) => session.authorizations.map((each) => each.grantId)).filter((id): id is string => typeof id === 'string');
    await revokeGrantsById(tx, grantIds);
    await queueLogouts(tx, deps.clock, 'account_page', ended.flatMap((session) => session.authorizations.map((each) => ({ accountId: session.accountId, clientId: each.clientId, sid: each.sid }))));
    await appendAudit(tx, deps.clock, {
      actor: `person:${input.accountId}`, action: how, subject: input.accountId, requestId: input.requestId,
      details: { sessions: ended.length, clients: [...new Set(ended.flatMap((session) => session.authorizations.map((each) => each.clientId)))] },
    });
    return ended;
  });
}

// Ends one of this account's sessions. Returns what was ended (nothing for another
// account's session): the relying parties a back-channel logout would notify, by sid.
export function endSession(deps: { db: Db; clock: Clock }, input: { accountId: string; uid: string; requestId: string }): Promise<AccountSession[]> {
  return input.uid ? end(deps, input, [input.uid], 'session.ended') : Promise.resolve([]);
}

// Every session of this account on one device (a lost phone, a shared computer).
export async function endDeviceSessions(deps: { db: Db; clock: Clock }, input: { accountId: string; deviceHash: string; requestId: string }): Promise<AccountSession[]> {
  const { rows } = await deps.db.query<{ session_uid: string }>('SELECT session_uid FROM session_devices WHERE account_id = $1::uuid AND device_hash = $2', [input.accountId, input.deviceHash]);
  return rows.length > 0 ? end(deps, input, rows.map((row) => row.session_uid), 'session.ended_on_device') : [];
}

export function endAllSessions(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId: string }): Promise<AccountSession[]> {
  return end(deps, input, null, 'session.ended_all');
}
