// Latency figures from many timed calls: nearest-rank percentiles, in milliseconds.

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

// Durations are recorded in nanoseconds (process.hrtime.bigint differences).
export function createLatencyRecorder(capacity: number) {
  const samples = new Float64Array(capacity);
  let count = 0;
  return {
    record(nanoseconds: bigint): void {
      if (count < capacity) samples[count++] = Number(nanoseconds);
    },
    summary(): LatencySummary {
      const sorted = samples.slice(0, count).sort();
      const at = (percent: number) => (count === 0 ? 0 : sorted[Math.max(0, Math.ceil((percent / 100) * count) - 1)]! / 1e6);
      const mean = count === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / count / 1e6;
      return { count, meanMs: mean, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), maxMs: at(100) };
    },
  };
}

export type LatencyRecorder = ReturnType<typeof createLatencyRecorder>;
