// Failure counters for everything that takes a secret, kept in the database so that
// they hold across nodes. Past the limit a key is locked, each further failure doubling
// the lock (capped at a day); a lock expires by itself.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';

export interface ThrottleLimits {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

export interface Throttle {
  // The keys among these that are locked now.
  locked(keys: readonly string[]): Promise<string[]>;
  // Those locked now, and those with failures counted at all (which a success resets).
  status(keys: readonly string[]): Promise<{ locked: string[]; counted: string[] }>;
  // Every key with this prefix that is locked now.
  lockedWithPrefix(prefix: string): Promise<string[]>;
  recordFailure(key: string, limits: ThrottleLimits): Promise<{ failures: number; lockedUntil: Date | null }>;
  reset(key: string): Promise<void>;
  purge(): Promise<number>;
}

const MAX_LOCK_SECONDS = 24 * 3600;

interface ThrottleRow {
  failures: number;
  locked_until: Date | null;
  [column: string]: unknown;
}

export function createThrottle(deps: { db: Db; clock: Clock }): Throttle {
  const { db, clock } = deps;
  return {
    async locked(keys) {
      if (keys.length === 0) return [];
      const { rows } = await db.query<{ key: string }>(
        'SELECT key FROM throttle WHERE key = ANY($1::text[]) AND locked_until > $2',
        [keys, clock.now()],
      );
      return rows.map((row) => row.key);
    },
    async status(keys) {
      if (keys.length === 0) return { locked: [], counted: [] };
      const { rows } = await db.query<{ key: string; locked: boolean }>(
        'SELECT key, COALESCE(locked_until > $2, false) AS locked FROM throttle WHERE key = ANY($1::text[])',
        [keys, clock.now()],
      );
      return { locked: rows.filter((row) => row.locked).map((row) => row.key), counted: rows.map((row) => row.key) };
    },
    async lockedWithPrefix(prefix) {
      const { rows } = await db.query<{ key: string }>(
        `SELECT key FROM throttle WHERE starts_with(key, $1) AND locked_until > $2`, [prefix, clock.now()],
      );
      return rows.map((row) => row.key);
    },
    async recordFailure(key, limits) {
      const now = clock.now();
      const windowOpen = new Date(now.getTime() - limits.windowSeconds * 1000);
      const { rows } = await db.query<ThrottleRow>(
        `INSERT INTO throttle (key, failures, window_start) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN throttle.window_start < $3 AND (throttle.locked_until IS NULL OR throttle.locked_until < $2)
                           THEN 1 ELSE throttle.failures + 1 END,
           window_start = CASE WHEN throttle.window_start < $3 AND (throttle.locked_until IS NULL OR throttle.locked_until < $2)
                               THEN $2 ELSE throttle.window_start END
         RETURNING failures, locked_until`,
        [key, now, windowOpen],
      );
      const failures = rows[0]?.failures ?? 1;
      if (failures < limits.maxFailures) return { failures, lockedUntil: null };
      const lockSeconds = Math.min(limits.lockSeconds * 2 ** Math.min(failures - limits.maxFailures, 16), MAX_LOCK_SECONDS);
      const lockedUntil = new Date(now.getTime() + lockSeconds * 1000);
      await db.query('UPDATE throttle SET locked_until = $2, window_start = $3 WHERE key = $1', [key, lockedUntil, now]);
      return { failures, lockedUntil };
    },
    async reset(key) {
      await db.query('DELETE FROM throttle WHERE key = $1', [key]);
    },
    async purge() {
      const now = clock.now();
      const { rowCount } = await db.query(
        'DELETE FROM throttle WHERE (locked_until IS NULL OR locked_until < $1) AND window_start < $2',
        [now, new Date(now.getTime() - MAX_LOCK_SECONDS * 1000)],
      );
      return rowCount;
    },
  };
}
