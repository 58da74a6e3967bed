// One Db interface over two backends: PostgreSQL through `pg` when a URL is given, and
// PGlite (the same PostgreSQL compiled to WebAssembly, in process) otherwise.
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { PGlite } from '@electric-sql/pglite';
import { createStatementRunner } from './pglite-statements.ts';

export type Row = Record<string, unknown>;

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  // Runs a script of several statements with no parameters (migrations).
  exec(sql: string): Promise<void>;
  // Bulk load with COPY … FROM STDIN (CSV): rows of values, null for NULL.
  copyRows(table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<void>;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replaceAll('"', '""')}"`;
}

export function toCsv(rows: ReadonlyArray<readonly unknown[]>): string {
  let out = '';
  for (const row of rows) out += `${row.map(csvField).join(',')}\n`;
  return out;
}

function copySql(table: string, columns: readonly string[], source: string): string {
  return `COPY ${table} (${columns.join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

// Notifications on a channel (LISTEN/NOTIFY), for caches that other nodes must empty.
// `onReset` runs when notifications may have been missed (a lost connection): the
// listener must then forget everything it holds.
export interface Listener {
  onMessage(payload: string): void;
  onReset(): void;
}

export interface Db extends Queryable {
  readonly backend: 'postgres' | 'pglite';
  // Starts listening; the returned function stops.
  listen(channel: string, listener: Listener): Promise<() => Promise<void>>;
  // Runs fn in one transaction: committed when fn resolves, rolled back when it throws.
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// A unique constraint refused a row; with a name, only that constraint. Both drivers
// report the SQLSTATE and the constraint's name.
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const failure = err as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (failure?.code !== '23505') return false;
  return constraint === undefined || failure.constraint === constraint || String(failure.message).includes(`"${constraint}"`);
}

// bytea comes back as Buffer from pg and as Uint8Array from PGlite.
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError('expected a bytea value');
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

// One connection of its own per channel, outside the pool. When it is lost the listener is
// reset (it may have missed notifications) and the connection comes back, with a doubling
// delay capped at 30 s.
function listenOnPostgres(url: string, channel: string, listener: Listener): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | null = null;
  let retryMs = 500;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    const lost = () => {
      if (client !== next) return;
      client = null;
      listener.onReset();
      if (!stopped) timer = setTimeout(() => connect().catch(() => {}), retryMs);
      retryMs = Math.min(retryMs * 2, 30_000);
    };
    next.on('error', lost);
    next.on('end', lost);
    next.on('notification', (message) => {
      if (message.channel === channel) listener.onMessage(message.payload ?? '');
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      retryMs = 500;
      // Whatever was sent while no connection listened is unknown.
      listener.onReset();
    } catch (err) {
      lost();
      next.end().catch(() => {});
      throw err;
    }
  };
  return connect().then(() => async () => {
    stopped = true;
    clearTimeout(timer);
    const last = client;
    client = null;
    await last?.end().catch(() => {});
  });
}

function createPostgresDb(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return {
    backend: 'postgres',
    listen(channel, listener) {
      if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
      return listenOnPostgres(url, channel, listener);
    },
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      const result = await pool.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? 0 };
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('BEGIN');
        const tx: Queryable = {
          async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
            const result = await client.query(sql, params as unknown[]);
            return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
          },
          async exec(sql: string) {
            await client.query(sql);
          },
          async copyRows(table, columns, rows) {
            await pipeline(Readable.from([toCsv(rows)]), client.query(copyFrom(copySql(table, columns, 'STDIN'))));
          },
        };
        const value = await fn(tx);
        await client.query('COMMIT');
        return value;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError;
        }
        throw err;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async copyRows(table, columns, rows) {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from([toCsv(rows)]), client.query(copyFrom(copySql(table, columns, 'STDIN'))));
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}

function createPgliteDb(dataDir: string | undefined): Db {
  const lite = new PGlite(dataDir);
  const statements = createStatementRunner(lite);
  return {
    backend: 'pglite',
    // In process: no connection to lose, so no reset.
    async listen(channel, listener) {
      if (!CHANNEL.test(channel)) throw new Error(`not a channel name: ${channel}`);
      const stop = await lite.listen(channel, (payload) => listener.onMessage(payload));
      return async () => {
        await stop();
      };
    },
    // The locks PGlite's own `query` takes: a query waits for an open transaction.
    async query<T extends Row>(sql: string, params: readonly unknown[] = []) {
      // Refuses a database that is closed or closing, as PGlite's own query does.
      await lite._checkReady();
      const result = await lite._runExclusiveTransaction(() => lite._runExclusiveQuery(() => statements.run<T>(sql, params, { inTransaction: false })));
      await lite.syncToFs();
      return result;
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      return lite.transaction(async (inner) => fn({
        async query<R extends Row>(sql: string, params: readonly unknown[] = []) {
          if (inner.closed) throw new Error('Transaction is closed');
          return lite._runExclusiveQuery(() => statements.run<R>(sql, params, { inTransaction: true }));
        },
        async exec(sql: string) {
          await inner.exec(sql);
          statements.forgetAll();
        },
        async copyRows(table, columns, rows) {
          // PGlite reads COPY data from a blob at the special path /dev/blob.
          await inner.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob([toCsv(rows)]) });
        },
      }));
    },
    async exec(sql: string) {
      await lite.exec(sql);
      // A script may change tables that prepared statements read (migrations do).
      statements.forgetAll();
    },
    async copyRows(table, columns, rows) {
      await lite.query(copySql(table, columns, `'/dev/blob'`), [], { blob: new Blob([toCsv(rows)]) });
    },
    async ping() {
      await lite.query('SELECT 1');
    },
    async close() {
      await lite.close();
    },
  };
}

// `memory` keeps a PGlite database in memory (tests); otherwise it lives in dataDir.
export function createDb(options: { databaseUrl?: string | undefined; dataDir?: string | 'memory' }): Db {
  if (options.databaseUrl) return createPostgresDb(options.databaseUrl);
  return createPgliteDb(options.dataDir === 'memory' ? undefined : options.dataDir);
}
