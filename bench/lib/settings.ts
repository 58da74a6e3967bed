// Reading the benchmarks' settings from the environment.
import { DEFAULT_ARGON2 } from '../../src/config.ts';
import type { Argon2Params } from '../../src/authn/passwords.ts';

// A whole number from the environment variable `name`, or `fallback` when it is unset.
export function wholeNumber(name: string, fallback: number, minimum = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum) throw new Error(`${name}: expected a whole number ≥ ${minimum}, got "${raw}"`);
  return Number(raw);
}

// The argon2id parameters to measure: BENCH_ARGON2 as "memoryKiB,time,parallelism", or
// the production default (the test configuration lowers it to keep the tests quick).
export function argon2Setting(): Argon2Params {
  const raw = process.env.BENCH_ARGON2;
  if (raw === undefined || raw === '') return { ...DEFAULT_ARGON2 };
  const parts = raw.split(',').map((part) => part.trim());
  if (parts.length !== 3 || parts.some((part) => !/^\d+$/.test(part))) throw new Error(`BENCH_ARGON2: expected "memoryKiB,time,parallelism", e.g. "19456,2,1", got "${raw}"`);
  const [memoryCost, timeCost, parallelism] = parts.map(Number) as [number, number, number];
  return { memoryCost, timeCost, parallelism };
}
