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

export interface AccountSession {
  // `uid` names a session on pages and forms; its `id` is the cookie's value and never leaves the server.
  uid: string;
  accountId: string;
  loginTs: number;
  acr: string | undefined;
  amr: string[];
  authorizations: SessionAuthorization[];
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
  const { rows } = await db.query<{ payload: SessionPayload }>(
    `SELECT payload FROM oidc_model WHERE model = 'Session' AND payload ->> 'accountId' = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    [accountId, clock.now()],
  );
  return rows.map((row) => toAccountSession(row.payload)).filter((session) => session !== null).sort((a, b) => b.loginTs - a.loginTs);
}

async function deleteSessions(tx: Queryable, accountId: string, uid: string | null): Promise<AccountSession[]> {
  const { rows } = await tx.query<{ payload: SessionPayload }>(
    `DELETE FROM oidc_model WHERE model = 'Session' AND payload ->> 'accountId' = $1 AND ($2::text IS NULL OR uid = $2) RETURNING payload`,
    [accountId, uid],
  );
  return rows.map((row) => toAccountSession(row.payload)).filter((session) => session !== null);
}

async function end(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId: string }, uid: string | null): Promise<AccountSession[]> {
  return deps.db.transaction(async (tx) => {
    const ended = await deleteSessions(tx, input.accountId, uid);
    if (ended.length === 0) return ended;
    const grantIds = ended.flatMap((session) => session.authorizations.map((each) => each.grantId)).filter((id): id is string => typeof id === 'string');
    await revokeGrantsById(tx, grantIds);
    await queueLogouts(tx, deps.clock, 'account_page', ended.flatMap((session) => session.authorizations.map((each) => ({ accountId: session.accountId, clientId: each.clientId, sid: each.sid }))));
    await appendAudit(tx, deps.clock, {
      actor: `person:${input.accountId}`, action: uid ? 'session.ended' : 'session.ended_all', subject: input.accountId, requestId: input.requestId,
      details: { sessions: ended.length, clients: [...new Set(ended.flatMap((session) => session.authorizations.map((each) => each.clientId)))] },
    });
    return ended;
  });
}

// Ends one of this account's sessions. Returns what was ended (nothing for another
// account's session): the relying parties a back-channel logout would notify, by sid.
export function endSession(deps: { db: Db; clock: Clock }, input: { accountId: string; uid: string; requestId: string }): Promise<AccountSession[]> {
  return input.uid ? end(deps, input, input.uid) : Promise.resolve([]);
}

export function endAllSessions(deps: { db: Db; clock: Clock }, input: { accountId: string; requestId: string }): Promise<AccountSession[]> {
  return end(deps, input, null);
}
