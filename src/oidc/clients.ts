// The client registry: relying parties' metadata in the database, secrets sealed.
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import { createNotifiedCache } from '../db/notified-cache.ts';
import type { SealedBox } from '../crypto/sealed-box.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export type ClientMetadata = Record<string, unknown> & { client_id: string };

interface ClientRow {
  client_id: string;
  metadata: Record<string, unknown>;
  secret_sealed: unknown;
  agency_code: string | null;
  [column: string]: unknown;
}

// Clients are read on every token request and several times in every sign-in, and change
// seldom: each node keeps those it has found for a minute at most, and a change reaches
// every node at once (db/notified-cache.ts).
const CACHE_SECONDS = 60;
export const CLIENTS_CHANNEL = 'hawiya_clients';

export interface ClientRegistry {
  // The metadata oidc-provider needs, secret included.
  find(clientId: string): Promise<ClientMetadata | null>;
  // Every change is audited, naming who made it ('cli', 'registration', 'person:<id>' …).
  save(metadata: ClientMetadata, actor?: string): Promise<void>;
  remove(clientId: string, actor?: string): Promise<boolean>;
  // Follows other nodes' changes; the returned function stops.
  watch(): Promise<() => Promise<void>>;
  // Metadata without secrets, for people to read; of one agency when given.
  list(agencyCode?: string): Promise<ClientMetadata[]>;
}

// The owning agency is a column (a foreign key), shown to the provider as the client's
// hawiya_agency metadata.
function withAgency(row: ClientRow): ClientMetadata {
  return { ...row.metadata, client_id: row.client_id, ...(row.agency_code ? { hawiya_agency: row.agency_code } : {}) };
}

// Methods that authenticate with a shared secret; the others need none.
const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

export function needsSecret(metadata: Record<string, unknown>): boolean {
  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  return typeof method === 'string' && SECRET_METHODS.has(method);
}

export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function createClientRegistry(deps: { db: Db; box: SealedBox; clock: Clock }): ClientRegistry {
  const { db, box, clock } = deps;
  const context = (clientId: string) => `client:${clientId}`;
  const cache = createNotifiedCache<ClientMetadata>({ db, clock, channel: CLIENTS_CHANNEL, ttlSeconds: CACHE_SECONDS });
  return {
    async find(clientId) {
      const metadata = await cache.get(clientId, async () => {
        const { rows } = await db.query<ClientRow>('SELECT client_id, metadata, secret_sealed, agency_code FROM clients WHERE client_id = $1', [clientId]);
        const row = rows[0];
        if (!row) return null;
        const found = withAgency(row);
        if (row.secret_sealed != null) found.client_secret = box.open(toBuffer(row.secret_sealed), context(row.client_id)).toString();
        return found;
      });
      // A copy each time: the provider must not change what the next request reads.
      return metadata ? { ...metadata } : null;
    },
    watch: () => cache.watch(),
    async save(metadata, actor = 'system') {
      const { client_secret: secret, client_id: clientId, hawiya_agency: agency, ...rest } = metadata;
      const sealed = typeof secret === 'string' ? box.seal(Buffer.from(secret), context(clientId)) : null;
      const agencyCode = typeof agency === 'string' ? agency : null;
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO clients (client_id, metadata, secret_sealed, agency_code, updated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (client_id) DO UPDATE SET metadata = excluded.metadata, secret_sealed = excluded.secret_sealed,
             agency_code = excluded.agency_code, updated_at = excluded.updated_at`,
          [clientId, rest, sealed, agencyCode, clock.now()],
        );
        await appendAudit(tx, clock, { actor, action: 'client.saved', subject: clientId, details: { metadata: rest, agency: agencyCode, secret: sealed !== null } });
        await cache.announce(tx, clientId);
      });
      cache.forget(clientId);
    },
    async remove(clientId, actor = 'system') {
      return db.transaction(async (tx) => {
        const { rowCount } = await tx.query('DELETE FROM clients WHERE client_id = $1', [clientId]);
        if (rowCount > 0) {
          await appendAudit(tx, clock, { actor, action: 'client.removed', subject: clientId });
          await cache.announce(tx, clientId);
        }
        cache.forget(clientId);
        return rowCount > 0;
      });
    },
    async list(agencyCode) {
      const { rows } = await db.query<ClientRow>(
        'SELECT client_id, metadata, agency_code FROM clients WHERE $1::text IS NULL OR agency_code = $1 ORDER BY client_id', [agencyCode ?? null],
      );
      return rows.map(withAgency);
    },
  };
}
