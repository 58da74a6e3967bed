// Starts real Hawiya servers for tests, on the backend chosen by HAWIYA_TEST_DB:
//   pglite (default)  an in-memory PGlite per database
//   postgres          a fresh schema per database in TEST_DATABASE_URL (or DATABASE_URL);
//                     required: the tests fail, not skip, when PostgreSQL is unreachable.
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/db.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { createApp, type HawiyaApp } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import type { CivilRegistry } from '../../src/register/civil-registry.ts';

export const backend = process.env.HAWIYA_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

function postgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!url) throw new Error('HAWIYA_TEST_DB=postgres needs TEST_DATABASE_URL or DATABASE_URL');
  return url;
}

export interface TestDb {
  db: Db;
  // The connection URL of this database (postgres only).
  url?: string;
  // Opens another pool on the same database (a second node).
  reopen(): Db;
  drop(): Promise<void>;
}

export async function createTestDb(): Promise<TestDb> {
  if (backend === 'pglite') {
    const db = createDb({ dataDir: 'memory' });
    return { db, reopen: () => db, drop: () => db.close() };
  }
  const base = postgresUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const opened: Db[] = [];
  const open = () => {
    const db = createDb({ databaseUrl: url.toString() });
    opened.push(db);
    return db;
  };
  const db = open();
  return {
    db,
    url: url.toString(),
    reopen: open,
    async drop() {
      await Promise.all(opened.map((each) => each.close().catch(() => {})));
      const cleanup = new pg.Client({ connectionString: base });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA ${schema} CASCADE`);
      await cleanup.end();
    },
  };
}

export function testConfig(issuer: string, overrides: Record<string, unknown> = {}): Config {
  return loadConfig({ NODE_ENV: 'test' }, { overrides: { issuer, ...overrides } });
}

export interface RunningHawiya {
  url: string;
  hawiya: HawiyaApp;
  server: Server;
  close(): Promise<void>;
}

// Listens first so the issuer can carry the real port. `issuer` lets a second node serve
// the same issuer from another port.
export async function startHawiya(options: { db: Db; kek: Buffer; issuer?: string; clock?: Clock; config?: Record<string, unknown>; registry?: CivilRegistry }): Promise<RunningHawiya> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  const config = testConfig(options.issuer ?? url, options.config);
  const hawiya = await createApp({
    config, db: options.db, kek: options.kek, ...(options.clock ? { clock: options.clock } : {}), ...(options.registry ? { registry: options.registry } : {}),
  });
  server.on('request', hawiya.app.callback());
  return {
    url,
    hawiya,
    server,
    async close() {
      hawiya.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const newKek = () => randomBytes(32);

// A loopback port free at the time of asking, for servers that must know theirs in advance.
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Two nodes of one issuer on one database, as a load balancer would see them: B serves A's
// issuer from its own port, on its own pool.
export async function startTwoNodes(testDb: TestDb): Promise<[RunningHawiya, RunningHawiya]> {
  const kek = newKek();
  const nodeA = await startHawiya({ db: testDb.db, kek });
  const nodeB = await startHawiya({ db: testDb.reopen(), kek, issuer: nodeA.url });
  return [nodeA, nodeB];
}

// Real time plus an offset that a test can move forward.
export function createOffsetClock(): Clock & { advance(seconds: number): void; reset(): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(seconds: number) {
      offset += seconds * 1000;
    },
    // Back to real time, for tests of rules the provider checks against its own clock.
    reset() {
      offset = 0;
    },
  };
}
