// `npm exec -- node bench/register.ts`: the register's benchmarks (issue 4). E-ID
// allocations per second, one allocator and several at once; registry import rows per
// second, against the target of a million persons in under three minutes; and the latency
// of the provider's findAccount + claims with those persons loaded. PGlite in memory, or
// PostgreSQL when DATABASE_URL is set (each phase in a fresh schema of that database,
// dropped afterwards). See bench/README.md.
//
// Settings (environment, defaults in brackets): REGISTER_BENCH_ALLOCATIONS (20000) per
// row; REGISTER_BENCH_ALLOCATORS (8) at once in the second row; REGISTER_BENCH_PERSONS
// (1000000); REGISTER_BENCH_BATCH_SIZE (5000); REGISTER_BENCH_ACCOUNTS (10000);
// REGISTER_BENCH_LOOKUPS (5000); REGISTER_BENCH_AUDITED_LOOKUPS (1000, 0 to skip);
// REGISTER_BENCH_SEED (1); REGISTER_BENCH_PGLITE (memory, or disk); DATABASE_URL.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from '../src/db/db.ts';
import { systemClock } from '../src/clock.ts';
import { allocateEid } from '../src/register/allocate.ts';
import { importRegistryFile } from '../src/register/import.ts';
import { seededRandom, writeRegistryFile } from '../src/register/generate.ts';
import { createFindAccount } from '../src/oidc/claims.ts';
import { createAccountDirectory } from '../src/authn/accounts.ts';
import { createPersonQueries } from '../src/register/persons.ts';
import { createAgencyStaffDirectory } from '../src/oidc/agency-roles.ts';
import { createPasswordHasher } from '../src/authn/passwords.ts';
import { databaseFactory, type BenchDatabase, type DatabaseFactory } from './lib/register-db.ts';
import { createLatencyRecorder, type LatencyRecorder } from './lib/latency.ts';
import { wholeNumber } from './lib/settings.ts';
import { startCpuMeter } from './lib/machine.ts';
import { allocationTable, importTable, latencyTable, type AllocationRow, type ImportRow, type LatencyRow } from './lib/report.ts';

interface Settings {
  allocations: number;
  allocators: number;
  persons: number;
  batchSize: number;
  accounts: number;
  lookups: number;
  auditedLookups: number;
  seed: number;
  databaseUrl: string | undefined;
  // PGlite in memory (the default, as the tests use it) or on disk (as `hawiya` keeps it).
  pglite: 'memory' | 'disk';
}

// Issue 4: a million persons in under three minutes on this machine.
const IMPORT_TARGET = { persons: 1_000_000, seconds: 180 };
// Unmeasured work before each measurement: connections opened, plans cached.
const WARMUP_ALLOCATIONS = 20;
const WARMUP_LOOKUPS = 200;
const CLIENT_ID = 'bench-client';
const PLAIN_SCOPE = 'openid profile gender';
const AUDITED_SCOPE = 'openid profile gender national_id';
// The configured argon2id cost; the hash is never checked, only stored.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1 };

function readSettings(): Settings {
  return {
    allocations: wholeNumber('REGISTER_BENCH_ALLOCATIONS', 20_000),
    allocators: wholeNumber('REGISTER_BENCH_ALLOCATORS', 8),
    persons: wholeNumber('REGISTER_BENCH_PERSONS', IMPORT_TARGET.persons),
    batchSize: wholeNumber('REGISTER_BENCH_BATCH_SIZE', 5000),
    accounts: wholeNumber('REGISTER_BENCH_ACCOUNTS', 10_000),
    lookups: wholeNumber('REGISTER_BENCH_LOOKUPS', 5000),
    auditedLookups: wholeNumber('REGISTER_BENCH_AUDITED_LOOKUPS', 1000, 0),
    seed: wholeNumber('REGISTER_BENCH_SEED', 1, 0),
    databaseUrl: process.env.DATABASE_URL || undefined,
    pglite: pgliteMode(process.env.REGISTER_BENCH_PGLITE),
  };
}

function pgliteMode(raw: string | undefined): 'memory' | 'disk' {
  if (raw === undefined || raw === '' || raw === 'memory') return 'memory';
  if (raw === 'disk') return 'disk';
  throw new Error(`REGISTER_BENCH_PGLITE: expected "memory" or "disk", got "${raw}"`);
}

// Time bound for the whole run: generous (several times the slowest run seen), but a hang
// ends it.
function timeBoundMs(settings: Settings): number {
  const allocations = 2 * (settings.allocations + settings.allocators * WARMUP_ALLOCATIONS) * 10;
  const generation = settings.persons * 0.05;
  const loading = settings.persons * 0.6;
  const lookups = (settings.lookups + settings.auditedLookups + 2 * WARMUP_LOOKUPS) * 50;
  return 180_000 + allocations + generation + loading + lookups;
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const elapsedSeconds = (startedMs: number) => (performance.now() - startedMs) / 1000;

async function countOf(db: Db, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

// ------------------------------------------------------------------- Allocation

// `count` allocations, one at a time, each in its own transaction as createPerson does.
async function allocateInTurn(db: Db, count: number, latency: LatencyRecorder | undefined): Promise<void> {
  for (let done = 0; done < count; done++) {
    const started = process.hrtime.bigint();
    await db.transaction((tx) => allocateEid(tx, { clock: systemClock }));
    latency?.record(process.hrtime.bigint() - started);
  }
}

// `allocators` allocating at once, `total` between them, on a fresh database. On
// PostgreSQL each allocator has its own connection; on PGlite they share the one
// in-process database.
async function measureAllocation(factory: DatabaseFactory, allocators: number, total: number): Promise<AllocationRow> {
  const fresh = await factory.fresh(`allocate_${allocators}`);
  try {
    const connections = Array.from({ length: allocators }, (_, index) => (index === 0 ? fresh.db : fresh.connect()));
    await Promise.all(connections.map((db) => allocateInTurn(db, WARMUP_ALLOCATIONS, undefined)));
    const latency = createLatencyRecorder(total);
    const shares = connections.map((_, index) => Math.floor(total / allocators) + (index < total % allocators ? 1 : 0));
    const meter = startCpuMeter(factory.localServer);
    const started = performance.now();
    await Promise.all(connections.map((db, index) => allocateInTurn(db, shares[index]!, latency)));
    const seconds = elapsedSeconds(started);
    const cpu = meter.stop();
    const expected = total + allocators * WARMUP_ALLOCATIONS;
    const { rows } = await fresh.db.query<{ n: number; last: number; counter: number }>(
      'SELECT count(*)::int AS n, coalesce(max(seq), 0)::int AS last, (SELECT last FROM eid_counter)::int AS counter FROM eid_allocations',
    );
    const check = rows[0]!;
    const summary = latency.summary();
    const row: AllocationRow = {
      allocators,
      connections: factory.backend === 'pglite' ? '1 (PGlite, shared)' : allocators === 1 ? '1' : `${allocators}, one per allocator`,
      allocations: total, seconds, p50Ms: summary.p50Ms, p99Ms: summary.p99Ms,
      gapFree: check.n === expected && check.last === expected && check.counter === expected,
      ownCpuUs: (cpu.ownCpuSeconds * 1e6) / total, othersPercent: cpu.othersPercent,
      databaseCpuUs: cpu.databaseCpuSeconds === undefined ? undefined : (cpu.databaseCpuSeconds * 1e6) / total,
    };
    say(`  ${allocators} at once: ${total} allocations in ${seconds.toFixed(1)} s, ${(total / seconds).toFixed(0)}/s`);
    return row;
  } finally {
    await fresh.drop();
  }
}

// ----------------------------------------------------------------------- Import

// persons and eid_allocations, with their indexes and TOAST.
async function storedBytes(db: Db): Promise<number> {
  const { rows } = await db.query<{ bytes: string | number }>(
    `SELECT (pg_total_relation_size('persons') + pg_total_relation_size('eid_allocations'))::bigint::text AS bytes`,
  );
  return Number(rows[0]?.bytes ?? 0);
}

async function measureImport(factory: DatabaseFactory, imported: BenchDatabase, settings: Settings, directory: string): Promise<ImportRow> {
  const path = join(directory, 'registry.jsonl');
  let started = performance.now();
  await writeRegistryFile(path, { count: settings.persons, seed: settings.seed });
  const generateSeconds = elapsedSeconds(started);
  say(`  generated ${settings.persons} persons in ${generateSeconds.toFixed(1)} s (${(statSync(path).size / 2 ** 20).toFixed(0)} MiB of JSON lines)`);

  const step = Math.max(settings.batchSize, Math.ceil(settings.persons / 10));
  let nextReport = step;
  const meter = startCpuMeter(factory.localServer);
  started = performance.now();
  const result = await importRegistryFile({ db: imported.db, clock: systemClock }, path, {
    batchSize: settings.batchSize,
    onBatch: ({ imported: rows }) => {
      if (rows < nextReport) return;
      nextReport += step;
      const seconds = elapsedSeconds(started);
      say(`  ${rows} rows in ${seconds.toFixed(1)} s, ${(rows / seconds).toFixed(0)} rows/s so far`);
    },
  });
  const importSeconds = elapsedSeconds(started);
  const cpu = meter.stop();
  const inTable = await countOf(imported.db, 'SELECT count(*)::int AS n FROM persons');
  if (result.imported !== settings.persons || inTable !== settings.persons) {
    throw new Error(`the import reported ${result.imported} rows and persons holds ${inTable}; expected ${settings.persons}`);
  }
  say(`  imported ${result.imported} persons in ${result.batches} batches, ${importSeconds.toFixed(1)} s, ${(result.imported / importSeconds).toFixed(0)} rows/s`);
  return {
    persons: settings.persons, batchSize: settings.batchSize, generateSeconds, importSeconds,
    targetPersons: IMPORT_TARGET.persons, targetSeconds: IMPORT_TARGET.seconds,
    storedBytes: await storedBytes(imported.db), rssBytes: process.memoryUsage().rss,
    ownCpuSeconds: cpu.ownCpuSeconds, databaseCpuSeconds: cpu.databaseCpuSeconds, othersPercent: cpu.othersPercent,
  };
}

// ------------------------------------------------------------------- findAccount

// Accounts for `count` random living persons (or all, if fewer) in one statement, all with the same argon2id
// hash: setAccountPassword would hash once per account.
async function giveAccounts(db: Db, count: number): Promise<string[]> {
  const hash = await createPasswordHasher(ARGON2).hash(randomBytes(16).toString('base64url'));
  const started = performance.now();
  await db.query(
    `INSERT INTO accounts (id, username, password_hash)
     SELECT id, eid, $1 FROM persons WHERE status = 'alive' ORDER BY random() LIMIT $2`,
    [hash, count],
  );
  const { rows } = await db.query<{ id: string }>('SELECT id FROM accounts ORDER BY id');
  const living = await countOf(db, `SELECT count(*)::int AS n FROM persons WHERE status = 'alive'`);
  if (rows.length !== Math.min(count, living)) throw new Error(`expected ${Math.min(count, living)} accounts, found ${rows.length}`);
  say(`  ${rows.length} accounts given to random living persons in ${elapsedSeconds(started).toFixed(1)} s`);
  return rows.map((row) => row.id);
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

// The plan of findAccount's query, node by node: it should be index scans only.
async function accountPlan(db: Db, id: string): Promise<string> {
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT a.id, a.username, a.password_hash, a.blocked_at, p.status, p.locale FROM accounts a JOIN persons p ON p.id = a.id WHERE a.id = $1`, [id],
  );
  return rows.map((row) => row['QUERY PLAN'].trim())
    .filter((line) => !/^(Index Cond|Filter|Join Filter|Recheck Cond):/.test(line))
    .map((line) => line.replace(/^->\s*/, '').replace(/\s+\(cost=.*$/, '')).join(' / ');
}

interface LookupRun {
  rows: LatencyRow[];
  perSecond: number;
  ownCpuUs: number;
  databaseCpuUs: number | undefined;
  othersPercent: number | undefined;
}

// findAccount and then claims, as the provider calls them for an ID token or userinfo,
// one call at a time; each call timed on its own, and the pair.
async function measureLookups(factory: DatabaseFactory, db: Db, ids: readonly string[], scope: string, warmup: readonly string[]): Promise<LookupRun> {
  const findAccount = createFindAccount({ db, clock: systemClock, accounts: createAccountDirectory({ db, clock: systemClock }), persons: createPersonQueries(db), trustFramework: 'hawiya_national', agencyRoles: createAgencyStaffDirectory({ db, clock: systemClock }) });
  const audited = scope.split(' ').includes('national_id');
  const find = createLatencyRecorder(ids.length);
  const claims = createLatencyRecorder(ids.length);
  const both = createLatencyRecorder(ids.length);
  const lookUp = async (id: string, timed: boolean) => {
    const started = process.hrtime.bigint();
    const account = await findAccount(CLIENT_ID, id);
    const found = process.hrtime.bigint();
    if (!account) throw new Error(`findAccount found no account for ${id}`);
    const released = await account.claims('userinfo', scope);
    const ended = process.hrtime.bigint();
    if (released.sub !== id || typeof released.name !== 'string' || (audited && typeof released.national_id !== 'string')) {
      throw new Error(`unexpected claims for ${id}`);
    }
    if (!timed) return;
    find.record(found - started);
    claims.record(ended - found);
    both.record(ended - started);
  };
  for (const id of warmup) await lookUp(id, false);
  const meter = startCpuMeter(factory.localServer);
  const started = performance.now();
  for (const id of ids) await lookUp(id, true);
  const seconds = elapsedSeconds(started);
  const cpu = meter.stop();
  const label = audited ? `${scope} (audited)` : scope;
  const row = (call: string, recorder: LatencyRecorder): LatencyRow => ({ call, scope: label, ...recorder.summary() });
  const rows = [row('findAccount', find), row('claims', claims), row('findAccount + claims', both)];
  say(`  ${scope}: ${ids.length} calls, p50 ${rows[2]!.p50Ms.toFixed(2)} ms, p99 ${rows[2]!.p99Ms.toFixed(2)} ms, ${(ids.length / seconds).toFixed(0)} pairs/s`);
  const perCall = (cpuSeconds: number) => (cpuSeconds * 1e6) / ids.length;
  return {
    rows, perSecond: ids.length / seconds, ownCpuUs: perCall(cpu.ownCpuSeconds), othersPercent: cpu.othersPercent,
    databaseCpuUs: cpu.databaseCpuSeconds === undefined ? undefined : perCall(cpu.databaseCpuSeconds),
  };
}

// ------------------------------------------------------------------------- Run

const othersText = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(0)} %`);

function cpuNote(factory: DatabaseFactory): string {
  if (factory.backend === 'pglite') return 'CPU: PGlite runs in this process, so "this process" includes the database';
  if (factory.localServer) return `CPU: "database" is every process named postgres on this machine (the local server's backends), counted apart from "others' CPU"`;
  return `CPU: the database server is not on this machine; its CPU is in neither column`;
}

async function describeMachine(factory: DatabaseFactory, settings: Settings): Promise<string[]> {
  const probe = await factory.fresh('probe');
  let version: string;
  try {
    const { rows } = await probe.db.query<{ version: string }>('SELECT version()');
    version = rows[0]?.version.split(' on ')[0] ?? 'unknown';
  } finally {
    await probe.drop();
  }
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`,
    `database: ${factory.backend === 'postgres' ? `${version} from DATABASE_URL, a fresh schema per phase` : `PGlite ${pgliteWhere(settings)} (${version}), a fresh database per phase`}`,
    `settings: ${settings.allocations} allocations per row; ${settings.persons} persons in batches of ${settings.batchSize}, seed ${settings.seed}; ` +
      `${settings.accounts} accounts, ${settings.lookups} + ${settings.auditedLookups} (audited) lookups one at a time after ${WARMUP_LOOKUPS} unmeasured`,
  ];
}

const pgliteWhere = (settings: Settings) => (settings.pglite === 'disk' ? `on disk (${tmpdir()})` : 'in memory');

async function main(factory: DatabaseFactory, settings: Settings, directory: string): Promise<void> {
  say(`register benchmark on ${settings.databaseUrl ? 'PostgreSQL from DATABASE_URL' : `PGlite ${pgliteWhere(settings)}`}…`);
  const header = await describeMachine(factory, settings);
  for (const line of header) say(line);

  say(`\ne-ID allocation (${settings.allocations} per row, each in its own transaction)`);
  const allocation: AllocationRow[] = [];
  for (const allocators of [1, settings.allocators]) allocation.push(await measureAllocation(factory, allocators, settings.allocations));

  say(`\nregistry import (${settings.persons} persons)`);
  const imported = await factory.fresh('import');
  try {
    const importRow = await measureImport(factory, imported, settings, directory);

    say('\nfindAccount + claims with the persons loaded');
    const ids = shuffled(await giveAccounts(imported.db, settings.accounts), settings.seed);
    const plan = await accountPlan(imported.db, ids[0]!);
    say(`  plan: ${plan}`);
    // Distinct accounts for each run and its warm-up while there are enough, then round again.
    let next = 0;
    const take = (count: number) => Array.from({ length: count }, () => ids[next++ % ids.length]!);
    const lookups = await measureLookups(factory, imported.db, take(settings.lookups), PLAIN_SCOPE, take(WARMUP_LOOKUPS));
    const latency = [...lookups.rows];
    let audited: LookupRun | undefined;
    if (settings.auditedLookups > 0) {
      audited = await measureLookups(factory, imported.db, take(settings.auditedLookups), AUDITED_SCOPE, take(WARMUP_LOOKUPS));
      latency.push(...audited.rows);
      const records = await countOf(imported.db, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'claims.national_id.released'`);
      if (records !== settings.auditedLookups + WARMUP_LOOKUPS) throw new Error(`expected ${settings.auditedLookups + WARMUP_LOOKUPS} audit records, found ${records}`);
    }

    say('\n## Results\n');
    for (const line of header) say(`- ${line}`);
    say(`- findAccount's query plan: ${plan}`);
    for (const [label, run] of [['findAccount + claims', lookups], ['with national_id (audited)', audited]] as const) {
      if (!run) continue;
      const database = run.databaseCpuUs === undefined ? '' : ` and ${run.databaseCpuUs.toFixed(0)} µs of the database server's`;
      say(`- ${label}, one at a time: ${run.perSecond.toFixed(0)} pairs/s; ${run.ownCpuUs.toFixed(0)} µs of this process's CPU per pair${database}; other processes used ${othersText(run.othersPercent)} of the machine's CPU`);
    }
    say(`- ${cpuNote(factory)}`);
    say(`\n${allocationTable(allocation)}\n\n${importTable([importRow])}\n\n${latencyTable(latency)}`);
  } finally {
    await imported.drop();
  }
}

function settingsOrExit(): Settings {
  try {
    return readSettings();
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    return process.exit(1);
  }
}

const settings = settingsOrExit();
const directory = mkdtempSync(join(tmpdir(), 'hawiya-register-bench-'));
const factory = databaseFactory(settings.databaseUrl, settings.pglite === 'disk' ? directory : undefined);

// Drops what the run made (within a bound of its own) and ends the process. Once it has
// begun, the work still under way fails as its database closes; that is not reported.
let finishing = false;
async function finish(code: number): Promise<void> {
  if (finishing) return;
  finishing = true;
  await Promise.race([factory.dropAll(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
  rmSync(directory, { recursive: true, force: true });
  process.exit(code);
}

const watchdog = setTimeout(() => {
  process.stderr.write('bench: the register run went past its time bound; stopping\n');
  void finish(1);
}, timeBoundMs(settings));

process.once('SIGINT', () => {
  process.stderr.write('bench: interrupted; dropping the databases this run made\n');
  void finish(130);
});

main(factory, settings, directory).then(
  () => {
    clearTimeout(watchdog);
    return finish(0);
  },
  (err: unknown) => {
    if (finishing) return;
    clearTimeout(watchdog);
    process.stderr.write(`bench: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return finish(1);
  },
);
