// A person's grants to relying parties ("connected services"), and their revocation.
// Revoking a grant removes it with every code and token issued under it, of every model:
// the adapter's revokeByGrantId covers one model at a time.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export interface AccountGrant {
  id: string;
  clientId: string;
  scopes: string[];
  grantedAt: Date | null;
}

interface GrantPayload {
  jti?: string;
  clientId?: string;
  iat?: number;
  openid?: { scope?: string };
}

export async function listGrants(db: Db, clock: Clock, accountId: string): Promise<AccountGrant[]> {
  const { rows } = await db.query<{ id: string; payload: GrantPayload }>(
    `SELECT id, payload FROM oidc_model WHERE model = 'Grant' AND payload ->> 'accountId' = $1 AND (expires_at IS NULL OR expires_at > $2)`,
    [accountId, clock.now()],
  );
  return rows.filter((row) => typeof row.payload.clientId === 'string').map((row) => ({
    id: row.id,
    clientId: row.payload.clientId!,
    scopes: (row.payload.openid?.scope ?? '').split(' ').filter(Boolean),
    grantedAt: typeof row.payload.iat === 'number' ? new Date(row.payload.iat * 1000) : null,
  }));
}

export async function revokeGrantsById(tx: Queryable, grantIds: readonly string[]): Promise<number> {
  if (grantIds.length === 0) return 0;
  const { rowCount } = await tx.query(
    `DELETE FROM oidc_model WHERE grant_id = ANY($1::text[]) OR (model = 'Grant' AND id = ANY($1::text[]))`,
    [grantIds],
  );
  return rowCount;
}

// Withdraws everything this account granted one client: it must ask, and be consented
// to, again. Returns how many grants there were.
export async function revokeClientGrants(deps: { db: Db; clock: Clock }, input: { accountId: string; clientId: string; requestId: string }): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM oidc_model WHERE model = 'Grant' AND payload ->> 'accountId' = $1 AND payload ->> 'clientId' = $2`,
      [input.accountId, input.clientId],
    );
    if (rows.length === 0) return 0;
    await revokeGrantsById(tx, rows.map((row) => row.id));
    await appendAudit(tx, deps.clock, {
      actor: `person:${input.accountId}`, action: 'grant.revoked', subject: input.accountId, requestId: input.requestId,
      details: { clientId: input.clientId, grants: rows.length },
    });
    return rows.length;
  });
}
