// Agencies' APIs as resource servers (RFC 8707 resource indicators). They live in the
// database, per agency, so an agency's API is added without a deployment and every node
// sees it at once. Access tokens for them are RFC 9068 JWTs (`at+jwt`), signed with the
// provider's current key, so the API validates them against the JWKS without calling us.
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { createNotifiedCache } from '../db/notified-cache.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import { parseInput } from './agencies.ts';

export const resourceServerInputSchema = z.object({
  // RFC 8707 §2: an absolute URI without a fragment; https so tokens go only to TLS APIs.
  identifier: z.url({ protocol: /^https$/ }).refine((value) => !value.includes('#'), 'must not have a fragment'),
  agency: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/),
  scopes: z.array(z.string().regex(/^[a-z][a-z0-9:._-]{0,79}$/, 'must be a lower-case scope name')).min(1),
  access_token_ttl: z.number().int().positive().max(3600).optional(),
}).strict();

export interface ResourceServerRecord {
  identifier: string;
  agency_code: string;
  scopes: string[];
  access_token_ttl: number | null;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export interface ResourceServerDirectory {
  // Follows other nodes' changes; the returned function stops.
  watch(): Promise<() => Promise<void>>;
  find(identifier: string): Promise<ResourceServerRecord | null>;
  list(agencyCode?: string): Promise<ResourceServerRecord[]>;
  // Adds or replaces; audited.
  save(input: unknown, actor: string): Promise<ResourceServerRecord>;
}

// Read at every token request for an API: kept per node, a change reaching every node at
// once (db/notified-cache.ts).
const RESOURCE_SERVERS_CHANNEL = 'hawiya_resource_servers';

export function createResourceServerDirectory(deps: { db: Db; clock: Clock }): ResourceServerDirectory {
  const { db, clock } = deps;
  const cache = createNotifiedCache<ResourceServerRecord>({ db, clock, channel: RESOURCE_SERVERS_CHANNEL, ttlSeconds: 60 });
  return {
    async find(identifier) {
      const found = await cache.get(identifier, async () => {
        const { rows } = await db.query<ResourceServerRecord>('SELECT * FROM resource_servers WHERE identifier = $1', [identifier]);
        return rows[0] ?? null;
      });
      return found ? { ...found, scopes: [...found.scopes] } : null;
    },
    watch: () => cache.watch(),
    async list(agencyCode) {
      const { rows } = await db.query<ResourceServerRecord>(
        'SELECT * FROM resource_servers WHERE $1::text IS NULL OR agency_code = $1 ORDER BY identifier', [agencyCode ?? null],
      );
      return rows;
    },
    async save(input, actor) {
      const server = parseInput(resourceServerInputSchema, input);
      return db.transaction(async (tx) => {
        const { rows: agency } = await tx.query('SELECT 1 FROM agencies WHERE code = $1', [server.agency]);
        if (agency.length === 0) throw new AppError('not_found', { message: `agency: no agency ${server.agency}` });
        const now = clock.now();
        const { rows } = await tx.query<ResourceServerRecord>(
          `INSERT INTO resource_servers (identifier, agency_code, scopes, access_token_ttl, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
           ON CONFLICT (identifier) DO UPDATE SET agency_code = excluded.agency_code, scopes = excluded.scopes,
             access_token_ttl = excluded.access_token_ttl, updated_at = excluded.updated_at RETURNING *`,
          [server.identifier, server.agency, server.scopes, server.access_token_ttl ?? null, now],
        );
        await appendAudit(tx, clock, { actor, action: 'resource_server.saved', subject: server.identifier, details: { agency: server.agency, scopes: server.scopes, accessTokenTtl: server.access_token_ttl ?? null } });
        await cache.announce(tx, server.identifier);
        cache.forget(server.identifier);
        return rows[0]!;
      });
    },
  };
}
