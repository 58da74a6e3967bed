// How much of the machine's CPU went to processes other than the benchmark's during the
// run: on a shared machine this says how far to trust the throughput figures. Linux only
// (/proc/stat); elsewhere nothing is said.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

// /proc/stat counts in USER_HZ, which is 100 on every Linux architecture Node runs on.
const TICKS_PER_SECOND = 100;

export interface MachineSample {
  at: number;
  busySeconds: number;
  stealSeconds: number;
}

export function sampleMachine(): MachineSample | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  const fields = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return { at: performance.now(), busySeconds: (user + nice + system + irq + softirq) / TICKS_PER_SECOND, stealSeconds: steal / TICKS_PER_SECOND };
}

// Percent of all cores' time over the interval: used by others, and stolen by the host.
export function othersShare(start: MachineSample, end: MachineSample, ourCpuSeconds: number): { othersPercent: number; stealPercent: number } {
  const capacity = ((end.at - start.at) / 1000) * availableParallelism();
  const others = Math.max(0, end.busySeconds - start.busySeconds - ourCpuSeconds);
  return { othersPercent: (100 * others) / capacity, stealPercent: (100 * (end.stealSeconds - start.stealSeconds)) / capacity };
}

// CPU seconds used so far by the live processes named `postgres` on this machine (a
// local PostgreSQL server: its postmaster and backends), or undefined where /proc cannot
// say. A backend that exits takes its time with it, so measure while connections are open.
export function postgresCpuSeconds(): number | undefined {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      // The fields after the name start with state (field 3); utime and stime are fields 14 and 15.
      const fields = stat.slice(close + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

export interface CpuUse {
  // This process's CPU seconds (all its threads).
  ownCpuSeconds: number;
  // The local PostgreSQL server's, when asked for and readable.
  databaseCpuSeconds: number | undefined;
  // The share of the machine the remaining processes used, and the host's steal.
  othersPercent: number | undefined;
  stealPercent: number | undefined;
}

export interface CpuMeter {
  stop(): CpuUse;
}

// For a benchmark that does its work in its own process and, on PostgreSQL, in a local
// database server (`withDatabase`), whose CPU is then counted apart from the others'.
export function startCpuMeter(withDatabase = false): CpuMeter {
  const machineAtStart = sampleMachine();
  const databaseAtStart = withDatabase ? postgresCpuSeconds() : undefined;
  const cpuAtStart = process.cpuUsage();
  return {
    stop() {
      const cpu = process.cpuUsage(cpuAtStart);
      const ownCpuSeconds = (cpu.user + cpu.system) / 1e6;
      const databaseAtEnd = withDatabase ? postgresCpuSeconds() : undefined;
      const databaseCpuSeconds = databaseAtStart !== undefined && databaseAtEnd !== undefined ? databaseAtEnd - databaseAtStart : undefined;
      const machineAtEnd = sampleMachine();
      if (!machineAtStart || !machineAtEnd) return { ownCpuSeconds, databaseCpuSeconds, othersPercent: undefined, stealPercent: undefined };
      return { ownCpuSeconds, databaseCpuSeconds, ...othersShare(machineAtStart, machineAtEnd, ownCpuSeconds + (databaseCpuSeconds ?? 0)) };
    },
  };
}
