// `hawiya registry import FILE`: streams a JSON-lines registry extract into the register,
// in batches. Each batch is one transaction: its rows are validated first, its e-ID numbers
// allocated, its persons loaded with COPY, and one audit record written, so a batch is in
// whole or not at all. A bad line stops the import there and names its line and field.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { registryRecordSchema, type RegistryRecord } from './person.ts';
import { allocateEids } from './allocate.ts';
import { personRowValues, PERSON_INSERT_COLUMNS } from './persons.ts';
import { appendAudit } from '../audit/audit-log.ts';

export class ImportError extends Error {
  override name = 'ImportError';
  readonly line: number;
  // Rows committed before the bad line, in whole batches.
  imported = 0;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.line = line;
  }
}

export interface ImportDeps {
  db: Db;
  clock: Clock;
  eidLength?: number;
}

export interface ImportResult {
  imported: number;
  batches: number;
}

interface NumberedRecord {
  line: number;
  record: RegistryRecord;
}

export function parseRecordLine(text: string, line: number): RegistryRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportError(line, 'not valid JSON');
  }
  const parsed = registryRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ImportError(line, `${issue.path.join('.') || 'record'}: ${issue.message}`);
  }
  return parsed.data;
}

const COLUMNS = PERSON_INSERT_COLUMNS.split(',').map((column) => column.trim());

async function importBatch(deps: ImportDeps, batch: NumberedRecord[]): Promise<void> {
  await deps.db.transaction(async (tx) => {
    // A row already in the register is a duplicate: name its line rather than let COPY fail.
    const { rows: existing } = await tx.query<{ civil_number: string }>(
      'SELECT civil_number FROM persons WHERE civil_number = ANY($1::text[])', [batch.map((entry) => entry.record.civilNumber)],
    );
    if (existing.length > 0) {
      const known = new Set(existing.map((row) => row.civil_number));
      const first = batch.find((entry) => known.has(entry.record.civilNumber))!;
      throw new ImportError(first.line, 'civilNumber: this person is already in the register');
    }
    const eids = await allocateEids(tx, batch.length, { clock: deps.clock, ...(deps.eidLength ? { length: deps.eidLength } : {}) });
    await tx.copyRows('persons', COLUMNS, batch.map((entry, index) => personRowValues(randomUUID(), eids[index]!, entry.record)));
    await appendAudit(tx, deps.clock, {
      actor: 'cli', action: 'register.import.batch',
      details: { rows: batch.length, firstLine: batch[0]!.line, lastLine: batch[batch.length - 1]!.line },
    });
  });
}

export async function importRegistryFile(deps: ImportDeps, path: string, options: { batchSize?: number; onBatch?(result: ImportResult): void } = {}): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 5000;
  // Civil number → first line, across the whole file: a repeated row is named by both lines.
  const seen = new Map<string, number>();
  const result: ImportResult = { imported: 0, batches: 0 };
  let batch: NumberedRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await importBatch(deps, batch);
    result.imported += batch.length;
    result.batches += 1;
    batch = [];
    options.onBatch?.(result);
  };
  let line = 0;
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      const record = parseRecordLine(text, line);
      const earlier = seen.get(record.civilNumber);
      if (earlier !== undefined) throw new ImportError(line, `civilNumber: the same person as on line ${earlier}`);
      seen.set(record.civilNumber, line);
      batch.push({ line, record });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (err) {
    if (err instanceof ImportError) err.imported = result.imported;
    throw err;
  } finally {
    lines.close();
  }
  return result;
}
