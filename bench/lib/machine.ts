// How much of the machine's CPU went to processes other than the benchmark's during the
// run: on a shared machine this says how far to trust the throughput figures. Linux only
// (/proc/stat); elsewhere nothing is said.
import { readFileSync } from 'node:fs';
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
