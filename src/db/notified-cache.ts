// A per-node cache of rows that change seldom and are read on hot paths (clients, resource
// servers): each node keeps what it has read for a while at most, and a change made on any
// node empties every node's copy at once through a notification sent when the change's
// transaction commits. A node whose notification connection drops forgets everything.
// Misses are never kept, so a row added on one node is found at once on every other.
import type { Db, Queryable } from './db.ts';
import type { Clock } from '../clock.ts';

export interface NotifiedCache<T> {
  // The cached value, or load()'s (kept unless a change came in meanwhile); null is not kept.
  get(key: string, load: () => Promise<T | null>): Promise<T | null>;
  // In the changing transaction: every node forgets the key once it commits.
  announce(tx: Queryable, key: string): Promise<void>;
  // This node forgets the key now (its own change, committed or about to be).
  forget(key: string): void;
  // Follows other nodes' changes; the returned function stops.
  watch(): Promise<() => Promise<void>>;
}

export function createNotifiedCache<T>(deps: { db: Db; clock: Clock; channel: string; ttlSeconds: number }): NotifiedCache<T> {
  const entries = new Map<string, { value: T; until: number }>();
  // A load that started before a change must not put the old row back after it.
  let generation = 0;
  const forget = (key: string) => {
    generation += 1;
    entries.delete(key);
  };
  return {
    async get(key, load) {
      const now = deps.clock.now().getTime();
      const cached = entries.get(key);
      if (cached && cached.until > now) return cached.value;
      const started = generation;
      const value = await load();
      if (value !== null && started === generation) entries.set(key, { value, until: now + deps.ttlSeconds * 1000 });
      return value;
    },
    async announce(tx, key) {
      await tx.query('SELECT pg_notify($1, $2)', [deps.channel, key]);
    },
    forget,
    watch() {
      return deps.db.listen(deps.channel, {
        onMessage: forget,
        onReset: () => {
          generation += 1;
          entries.clear();
        },
      });
    },
  };
}
