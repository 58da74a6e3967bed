// The audit log: append-only and hash-chained. Each record holds the hash of the one
// before it, and is written in the same transaction as the change it records, so a change
// and its record stand or fall together. `verifyAuditChain` names the first broken link.
import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';

export interface AuditEntry {
  // Who acted: 'person:<uuid>', 'staff:<uuid>', 'client:<id>', 'registry', 'system', 'cli'.
  actor: string;
  // What was done, as a dotted verb: 'person.created', 'claims.national_id.released'.
  action: string;
  // Whom or what it was done to (a person's UUID, a client id); never a national number.
  subject?: string | null;
  sourceIp?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

interface AuditRow {
  seq: string | number;
  at: Date;
  actor: string;
  action: string;
  subject: string | null;
  source_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
  [column: string]: unknown;
}

export const GENESIS_HASH = '0'.repeat(64);

// JSON with keys sorted at every depth: the same record always hashes the same, whatever
// order the database returns its jsonb keys in.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value instanceof Date ? value.toISOString() : value ?? null);
}

export function recordHash(prevHash: string, record: { seq: number; at: Date; actor: string; action: string; subject: string | null; sourceIp: string | null; requestId: string | null; details: Record<string, unknown> }): string {
  const body = canonical([record.seq, record.at, record.actor, record.action, record.subject, record.sourceIp, record.requestId, record.details]);
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export async function appendAudit(tx: Queryable, clock: Clock, entry: AuditEntry): Promise<number> {
  // Locking the head serialises appends: one chain, no forks.
  const { rows } = await tx.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id FOR UPDATE');
  const head = rows[0];
  if (!head) throw new Error('the audit head is missing');
  const record = {
    seq: Number(head.seq) + 1,
    // Millisecond precision, so the time read back is the time hashed.
    at: new Date(Math.floor(clock.now().getTime())),
    actor: entry.actor,
    action: entry.action,
    subject: entry.subject ?? null,
    sourceIp: entry.sourceIp ?? null,
    requestId: entry.requestId ?? null,
    details: entry.details ?? {},
  };
  const hash = recordHash(head.hash, record);
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor, action, subject, source_ip, request_id, details, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [record.seq, record.at, record.actor, record.action, record.subject, record.sourceIp, record.requestId, record.details, head.hash, hash],
  );
  await tx.query('UPDATE audit_head SET seq = $1, hash = $2 WHERE id', [record.seq, hash]);
  return record.seq;
}

export type ChainVerdict = { ok: true; records: number } | { ok: false; seq: number; reason: string };

// Walks the chain in pages from the first record, recomputing every hash.
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<ChainVerdict> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (;;) {
    const { rows } = await db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT $2', [expectedSeq, pageSize],
    );
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, seq: expectedSeq, reason: `record ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash) return { ok: false, seq, reason: 'it does not follow the record before it' };
      const hash = recordHash(prevHash, {
        seq, at: row.at, actor: row.actor, action: row.action, subject: row.subject,
        sourceIp: row.source_ip, requestId: row.request_id, details: row.details,
      });
      if (hash !== row.hash) return { ok: false, seq, reason: 'its content does not match its hash' };
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < pageSize) break;
  }
  const { rows: head } = await db.query<{ seq: string | number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id');
  if (Number(head[0]?.seq) !== expectedSeq - 1 || head[0]?.hash !== prevHash) {
    return { ok: false, seq: expectedSeq, reason: 'the chain ends before its recorded head (records were removed)' };
  }
  return { ok: true, records: expectedSeq - 1 };
}

export function auditTrail(db: Db, subject: string, limit = 50) {
  return db.query<AuditRow>('SELECT * FROM audit_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2', [subject, limit]);
}
