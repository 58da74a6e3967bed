// The results as Markdown tables: readable in a terminal, pasted as is into README.md.
import type { LatencySummary } from './latency.ts';
export interface ThroughputRow {
  scenario: string;
  hawiya: number;
  bare: number;
  hawiyaP99Ms: number;
  bareP99Ms: number;
  // Server CPU time per answered request, in microseconds.
  hawiyaCpuUs: number;
  bareCpuUs: number;
  target: number;
}

export interface SignInRow {
  concurrency: number;
  signIns: number;
  signInsPerSecond: number;
  msPerSignIn: number;
  msPerHash: number;
  // Hawiya's CPU time (all threads) per sign-in and per hash.
  cpuMsPerSignIn: number;
  cpuMsPerHash: number;
  requestsPerSignIn: number;
  target: number;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'pass' : '**miss**');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function throughputTable(rows: ThroughputRow[]): string {
  return table(
    ['scenario', 'Hawiya req/s', 'bare req/s', 'ratio', 'target', 'result', 'server CPU µs/req (Hawiya / bare)', 'CPU ratio', 'p99 ms (Hawiya / bare)'],
    rows.map((row) => {
      const ratio = row.hawiya / row.bare;
      return [row.scenario, fixed(row.hawiya, 0), fixed(row.bare, 0), fixed(ratio, 2), `≥ ${row.target}`, verdict(ratio >= row.target),
        `${fixed(row.hawiyaCpuUs, 0)} / ${fixed(row.bareCpuUs, 0)}`, fixed(row.bareCpuUs / row.hawiyaCpuUs, 2), `${row.hawiyaP99Ms} / ${row.bareP99Ms}`];
    }),
  );
}

export function signInTable(rows: SignInRow[]): string {
  return table(
    ['sign-ins at once', 'sign-ins', 'sign-ins/s', 'ms per sign-in', 'ms per argon2id hash', 'ratio', 'target', 'result',
      'server CPU ms (sign-in / hash)', 'CPU ratio', 'HTTP requests per sign-in'],
    rows.map((row) => {
      const ratio = row.msPerSignIn / row.msPerHash;
      return [String(row.concurrency), String(row.signIns), fixed(row.signInsPerSecond, 1), fixed(row.msPerSignIn, 1), fixed(row.msPerHash, 1),
        fixed(ratio, 2), `≤ ${row.target}`, verdict(ratio <= row.target),
        `${fixed(row.cpuMsPerSignIn, 1)} / ${fixed(row.cpuMsPerHash, 1)}`, fixed(row.cpuMsPerSignIn / row.cpuMsPerHash, 2), String(row.requestsPerSignIn)];
    }),
  );
}

// ------------------------------------------------------------------ The register

export interface AllocationRow {
  allocators: number;
  connections: string;
  allocations: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  // eid_allocations afterwards: as many rows as allocations, numbered 1…n without a gap.
  gapFree: boolean;
  // CPU time per allocation, of this process and of a local PostgreSQL server; the share
  // of the machine's CPU other processes used.
  ownCpuUs: number;
  databaseCpuUs: number | undefined;
  othersPercent: number | undefined;
}

export interface ImportRow {
  persons: number;
  batchSize: number;
  generateSeconds: number;
  importSeconds: number;
  targetSeconds: number;
  targetPersons: number;
  // persons and eid_allocations with their indexes, in bytes.
  storedBytes: number;
  rssBytes: number;
  ownCpuSeconds: number;
  databaseCpuSeconds: number | undefined;
  othersPercent: number | undefined;
}

export type LatencyRow = LatencySummary & { call: string; scope: string };

const mebibytes = (bytes: number) => fixed(bytes / 2 ** 20, 0);
const both = (own: number, database: number | undefined, digits: number) => `${fixed(own, digits)} / ${database === undefined ? '–' : fixed(database, digits)}`;
const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${fixed(value, 0)} %`);

export function allocationTable(rows: AllocationRow[]): string {
  return table(
    ['allocators', 'connections', 'allocations', 'seconds', 'allocations/s', 'p50 ms', 'p99 ms', 'gap-free afterwards',
      'CPU µs/allocation (this process / database)', "others' CPU"],
    rows.map((row) => [String(row.allocators), row.connections, String(row.allocations), fixed(row.seconds, 1),
      fixed(row.allocations / row.seconds, 0), fixed(row.p50Ms, 2), fixed(row.p99Ms, 2), row.gapFree ? 'yes' : '**no**',
      both(row.ownCpuUs, row.databaseCpuUs, 0), percent(row.othersPercent)]),
  );
}

// The target is for `targetPersons`; a run of another size is judged by its rate, and says so.
export function importTable(rows: ImportRow[]): string {
  return table(
    ['persons', 'batch size', 'generate s', 'import s', 'rows/s', 'target', 'result', 'CPU s (this process / database)', "others' CPU",
      'persons + e-IDs stored (MiB)', 'process RSS (MiB)'],
    rows.map((row) => {
      const rate = row.persons / row.importSeconds;
      const projected = row.targetPersons / rate;
      const atScale = row.persons === row.targetPersons;
      const result = `${verdict(projected < row.targetSeconds)}${atScale ? '' : ` (projected ${fixed(projected, 0)} s)`}`;
      return [String(row.persons), String(row.batchSize), fixed(row.generateSeconds, 1), fixed(row.importSeconds, 1), fixed(rate, 0),
        `${row.targetPersons} in < ${row.targetSeconds} s`, result, both(row.ownCpuSeconds, row.databaseCpuSeconds, 1), percent(row.othersPercent),
        mebibytes(row.storedBytes), mebibytes(row.rssBytes)];
    }),
  );
}

export function latencyTable(rows: LatencyRow[]): string {
  return table(
    ['call', 'scope', 'calls', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    rows.map((row) => [row.call, row.scope, String(row.count), fixed(row.meanMs, 2),
      fixed(row.p50Ms, 2), fixed(row.p90Ms, 2), fixed(row.p99Ms, 2), fixed(row.maxMs, 2)]),
  );
}
