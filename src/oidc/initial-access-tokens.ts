// Initial access tokens for OpenID Dynamic Client Registration, one agency each. An admin
// issues one and hands it to the agency; the agency registers clients with it until it
// expires or is revoked, and each of those clients belongs to the agency and stays
// within its allowed scopes (registration.ts). Only a SHA-256 of the token is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export interface InitialAccessToken {
  id: string;
  agency_code: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  [column: string]: unknown;
}

export interface InitialAccessTokenStore {
  // The token is in the answer, and nowhere else afterwards.
  issue(agencyCode: string, ttlSeconds: number, actor: string): Promise<InitialAccessToken & { token: string }>;
  list(agencyCode: string): Promise<InitialAccessToken[]>;
  revoke(id: string, actor: string): Promise<boolean>;
  // A token still usable (not expired, not revoked), by its value.
  findUsable(token: string): Promise<InitialAccessToken | null>;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

const COLUMNS = 'id, agency_code, created_by, created_at, expires_at, revoked_at';

export function createInitialAccessTokenStore(deps: { db: Db; clock: Clock }): InitialAccessTokenStore {
  const { db, clock } = deps;
  return {
    async issue(agencyCode, ttlSeconds, actor) {
      const token = randomBytes(32).toString('base64url');
      const id = randomBytes(9).toString('base64url');
      const now = clock.now();
      return db.transaction(async (tx) => {
        const { rows: agency } = await tx.query('SELECT 1 FROM agencies WHERE code = $1', [agencyCode]);
        if (agency.length === 0) throw new AppError('not_found', { message: `no agency ${agencyCode}` });
        const { rows } = await tx.query<InitialAccessToken>(
          `INSERT INTO initial_access_tokens (id, token_hash, agency_code, created_by, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
          [id, hashOf(token), agencyCode, actor, now, new Date(now.getTime() + ttlSeconds * 1000)],
        );
        await appendAudit(tx, clock, { actor, action: 'agency.initial_access_token.issued', subject: agencyCode, details: { id, ttlSeconds } });
        return { ...rows[0]!, token };
      });
    },
    async list(agencyCode) {
      const { rows } = await db.query<InitialAccessToken>(`SELECT ${COLUMNS} FROM initial_access_tokens WHERE agency_code = $1 ORDER BY created_at DESC`, [agencyCode]);
      return rows;
    },
    async revoke(id, actor) {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<{ agency_code: string }>(
          'UPDATE initial_access_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING agency_code', [id, clock.now()],
        );
        if (!rows[0]) return false;
        await appendAudit(tx, clock, { actor, action: 'agency.initial_access_token.revoked', subject: rows[0].agency_code, details: { id } });
        return true;
      });
    },
    async findUsable(token) {
      const { rows } = await db.query<InitialAccessToken>(
        `SELECT ${COLUMNS} FROM initial_access_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2`, [hashOf(token), clock.now()],
      );
      return rows[0] ?? null;
    },
  };
}
