// oidc-provider's storage contract on PostgreSQL: every model in one table (oidc_model),
// except Client, which reads and writes the client registry, and InitialAccessToken,
// which reads the initial_access_tokens an admin issued to agencies.
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { ClientRegistry } from './clients.ts';

interface ModelRow {
  payload: AdapterPayload;
  [column: string]: unknown;
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

export interface AdapterDeps {
  db: Db;
  clock: Clock;
  clients: ClientRegistry;
  // The InitialAccessToken payload for a token value, if it is usable.
  initialAccessToken(token: string): Promise<AdapterPayload | undefined>;
}

class ModelAdapter implements Adapter {
  readonly #db: Db;
  readonly #clock: Clock;
  readonly #model: string;

  constructor(model: string, deps: AdapterDeps) {
    this.#model = model;
    this.#db = deps.db;
    this.#clock = deps.clock;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const expiresAt = expiresIn ? new Date(this.#clock.now().getTime() + expiresIn * 1000) : null;
    await this.#db.query(
      `INSERT INTO oidc_model (model, id, payload, grant_id, uid, user_code, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
         uid = excluded.uid, user_code = excluded.user_code, expires_at = excluded.expires_at`,
      [this.#model, id, payload, payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, expiresAt],
    );
  }

  async #findWhere(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const { rows } = await this.#db.query<ModelRow>(
      `SELECT payload FROM oidc_model WHERE model = $1 AND ${column} = $2 AND (expires_at IS NULL OR expires_at > $3)`,
      [this.#model, value, this.#clock.now()],
    );
    return rows[0]?.payload;
  }

  find(id: string) {
    return this.#findWhere('id', id);
  }

  findByUid(uid: string) {
    return this.#findWhere('uid', uid);
  }

  findByUserCode(userCode: string) {
    return this.#findWhere('user_code', userCode);
  }

  // Check-and-set: of two nodes redeeming one code or refresh token at the same moment,
  // one wins; the other is refused and, as for any reuse, the grant is revoked.
  async consume(id: string): Promise<void> {
    const now = this.#clock.now();
    const { rows, rowCount } = await this.#db.query<{ grant_id: string | null }>(
      `UPDATE oidc_model SET consumed_at = $3, payload = jsonb_set(payload, '{consumed}', to_jsonb($4::bigint))
       WHERE model = $1 AND id = $2 AND consumed_at IS NULL
       RETURNING grant_id`,
      [this.#model, id, now, epoch(now)],
    );
    if (rowCount === 1) return;
    const { rows: lost } = await this.#db.query<{ grant_id: string | null }>('SELECT grant_id FROM oidc_model WHERE model = $1 AND id = $2', [this.#model, id]);
    const grantId = rows[0]?.grant_id ?? lost[0]?.grant_id;
    if (grantId) await this.#db.query('DELETE FROM oidc_model WHERE grant_id = $1 OR (model = $2 AND id = $1)', [grantId, 'Grant']);
    throw new errors.InvalidGrant('grant request is invalid (already used)');
  }

  async destroy(id: string): Promise<void> {
    await this.#db.query('DELETE FROM oidc_model WHERE model = $1 AND id = $2', [this.#model, id]);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db.query('DELETE FROM oidc_model WHERE model = $1 AND grant_id = $2', [this.#model, grantId]);
  }
}

// Clients live in the registry, so one added on any node is found at once on every node.
class ClientAdapter implements Adapter {
  readonly #clients: ClientRegistry;

  constructor(clients: ClientRegistry) {
    this.#clients = clients;
  }

  // Dynamic registration: the actor names the agency whose initial access token was used.
  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    const agency = (payload as { hawiya_agency?: unknown }).hawiya_agency;
    await this.#clients.save({ ...payload, client_id: id }, typeof agency === 'string' ? `registration:${agency}` : 'registration');
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return (await this.#clients.find(id)) ?? undefined;
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(id: string): Promise<void> {
    await this.#clients.remove(id, 'registration');
  }

  async revokeByGrantId(): Promise<void> {}
}

// Read only: initial access tokens are issued by admins (initial-access-tokens.ts), never
// by the provider.
class InitialAccessTokenAdapter implements Adapter {
  readonly #find: AdapterDeps['initialAccessToken'];

  constructor(find: AdapterDeps['initialAccessToken']) {
    this.#find = find;
  }

  async upsert(): Promise<void> {
    throw new Error('initial access tokens are issued through the admin API or the CLI');
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#find(id);
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(): Promise<void> {}

  async revokeByGrantId(): Promise<void> {}
}

export function createAdapterFactory(deps: AdapterDeps): (model: string) => Adapter {
  return (model) => {
    if (model === 'Client') return new ClientAdapter(deps.clients);
    if (model === 'InitialAccessToken') return new InitialAccessTokenAdapter(deps.initialAccessToken);
    return new ModelAdapter(model, deps);
  };
}

// Expired rows are dead weight: oidc-provider never reads them. Deleted in batches so a
// large backlog does not hold one long transaction.
export async function purgeExpired(db: Db, clock: Clock, batch = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM oidc_model WHERE (model, id) IN (
         SELECT model, id FROM oidc_model WHERE expires_at <= $1 LIMIT $2)`,
      [clock.now(), batch],
    );
    total += rowCount;
    if (rowCount < batch) return total;
  }
}
