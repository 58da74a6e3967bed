// Allocation of e-ID numbers: each one recorded in eid_allocations under a gap-free
// sequence, inside the caller's transaction. The counter row's lock serialises allocators,
// and the unique constraint makes a collision with any number ever drawn a retry, never a
// reuse.
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { generateEid, DEFAULT_EID_LENGTH, cryptoDigit, type RandomDigit } from './eid.ts';

export interface AllocationOptions {
  clock: Clock;
  length?: number;
  digit?: RandomDigit;
}

export async function allocateEids(tx: Queryable, count: number, options: AllocationOptions): Promise<string[]> {
  if (count <= 0) return [];
  const { rows } = await tx.query<{ last: string | number }>('UPDATE eid_counter SET last = last + $1 WHERE id RETURNING last', [count]);
  const last = Number(rows[0]!.last);
  const now = options.clock.now();
  const pending = new Map<number, string>();
  for (let seq = last - count + 1; seq <= last; seq++) pending.set(seq, '');
  const allocated = new Map<number, string>();
  while (pending.size > 0) {
    const drawn = new Set<string>();
    for (const seq of pending.keys()) {
      let eid: string;
      do eid = generateEid(options.length ?? DEFAULT_EID_LENGTH, options.digit ?? cryptoDigit); while (drawn.has(eid));
      drawn.add(eid);
      pending.set(seq, eid);
    }
    const { rows: inserted } = await tx.query<{ seq: string | number; eid: string }>(
      `INSERT INTO eid_allocations (seq, eid, allocated_at)
       SELECT s, e, $3 FROM unnest($1::bigint[], $2::text[]) AS drawn(s, e)
       ON CONFLICT (eid) DO NOTHING RETURNING seq, eid`,
      [[...pending.keys()], [...pending.values()], now],
    );
    for (const row of inserted) {
      allocated.set(Number(row.seq), row.eid);
      pending.delete(Number(row.seq));
    }
  }
  return [...allocated.entries()].sort(([a], [b]) => a - b).map(([, eid]) => eid);
}

export async function allocateEid(tx: Queryable, options: AllocationOptions): Promise<string> {
  const [eid] = await allocateEids(tx, 1, options);
  return eid!;
}
