// Reading the benchmarks' settings from the environment.

// A whole number from the environment variable `name`, or `fallback` when it is unset.
export function wholeNumber(name: string, fallback: number, minimum = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum) throw new Error(`${name}: expected a whole number ≥ ${minimum}, got "${raw}"`);
  return Number(raw);
}
