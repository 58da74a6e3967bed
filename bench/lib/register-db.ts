// Fresh, empty, migrated databases for the register benchmark. On PGlite each is a new
// database in memory, or in a new directory under `pgliteDirectory` (as `hawiya` keeps it
// in DATA_DIR), removed afterwards. On PostgreSQL each is a new schema in DATABASE_URL's database:
// every connection reaches it through the startup parameter `options=-c search_path=…`,
// so the migrations and Hawiya's unqualified queries all land in it. Each schema is
// dropped afterwards, and the database is left as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, type Db } from '../../src/db/db.ts';
import { migrate } from '../../src/db/migrate.ts';

export interface BenchDatabase {
  readonly db: Db;
  // One more connection to the same database: a new pool on PostgreSQL; on PGlite the one
  // in-process database, which serialises transactions itself. Closed by drop().
  connect(): Db;
  drop(): Promise<void>;
}

export interface DatabaseFactory {
  readonly backend: 'pglite' | 'postgres';
  // PostgreSQL on this machine (a loopback host), so its processes' CPU can be read.
  readonly localServer: boolean;
  fresh(label: string): Promise<BenchDatabase>;
  // Drops every database still open (after a failure, or at the time limit).
  dropAll(): Promise<void>;
}

function scopedUrl(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  if (url.searchParams.has('options')) throw new Error('DATABASE_URL: the register benchmark sets "options" itself; leave it out');
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

function isLoopback(databaseUrl: string): boolean {
  const host = new URL(databaseUrl).hostname.replace(/^\[|\]$/g, '');
  return host === '' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function databaseFactory(databaseUrl: string | undefined, pgliteDirectory?: string): DatabaseFactory {
  const open = new Set<BenchDatabase>();

  async function freshPglite(label: string): Promise<BenchDatabase> {
    const dataDir = pgliteDirectory ? mkdtempSync(join(pgliteDirectory, `pglite-${label}-`)) : undefined;
    const db = createDb({ dataDir: dataDir ?? 'memory' });
    const handle: BenchDatabase = {
      db,
      connect: () => db,
      async drop() {
        open.delete(handle);
        await db.close().catch(() => {});
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      },
    };
    try {
      await migrate(db);
    } catch (err) {
      await handle.drop();
      throw err;
    }
    return handle;
  }

  async function freshSchema(url: string, label: string): Promise<BenchDatabase> {
    const schema = `bench_register_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}`;
    const admin = createDb({ databaseUrl: url });
    try {
      await admin.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);
    } finally {
      await admin.close();
    }
    const scoped = scopedUrl(url, schema);
    const db = createDb({ databaseUrl: scoped });
    const extra: Db[] = [];
    const handle: BenchDatabase = {
      db,
      connect() {
        const another = createDb({ databaseUrl: scoped });
        extra.push(another);
        return another;
      },
      async drop() {
        open.delete(handle);
        for (const each of [...extra, db]) await each.close().catch(() => {});
        const cleaner = createDb({ databaseUrl: url });
        try {
          await cleaner.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await cleaner.close();
        }
      },
    };
    try {
      await migrate(db);
    } catch (err) {
      await handle.drop();
      throw err;
    }
    return handle;
  }

  return {
    backend: databaseUrl ? 'postgres' : 'pglite',
    localServer: databaseUrl !== undefined && isLoopback(databaseUrl),
    async fresh(label) {
      const handle = databaseUrl ? await freshSchema(databaseUrl, label) : await freshPglite(label);
      open.add(handle);
      return handle;
    },
    async dropAll() {
      for (const handle of [...open]) await handle.drop().catch(() => {});
    },
  };
}
