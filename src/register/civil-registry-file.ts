// The civil registry read from JSON-lines files, for the embedded default and the demo:
// one registry record per line, and optionally one registry event per line in a second
// file. Each file is read once, on first use, and kept in memory; a broken line stops
// the load with its line number and the field at fault.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { registryRecordSchema, type RegistryRecord } from './person.ts';
import { parseRegistryEvent } from './events.ts';
import { matchRecord } from './matching.ts';
import type { CivilRegistry, RegistryEvent } from './civil-registry.ts';

export interface FileRegistryOptions {
  // JSON lines of RegistryEvent, oldest first, served by events().
  eventsPath?: string;
}

interface EventLog {
  events: RegistryEvent[];
  indexById: Map<string, number>;
}

function lineError(path: string, line: number, problem: string): Error {
  return new Error(`${path} line ${line}: ${problem}`);
}

// Blank lines are skipped so that a trailing newline or a spacer line is harmless.
async function* readJsonLines(path: string): AsyncGenerator<{ line: number; value: unknown }> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    const trimmed = (line === 1 ? text.replace(/^\uFEFF/u, '') : text).trim();
    if (trimmed === '') continue;
    try {
      yield { line, value: JSON.parse(trimmed) as unknown };
    } catch (err) {
      if (err instanceof SyntaxError) throw lineError(path, line, 'is not valid JSON');
      throw err;
    }
  }
}

function parseRecordLine(path: string, line: number, value: unknown): RegistryRecord {
  const parsed = registryRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || '(record)';
  throw lineError(path, line, `${field}: ${issue.message}`);
}

async function loadRecords(path: string): Promise<Map<string, RegistryRecord>> {
  const records = new Map<string, RegistryRecord>();
  const lineOf = new Map<string, number>();
  for await (const { line, value } of readJsonLines(path)) {
    const record = parseRecordLine(path, line, value);
    const earlier = lineOf.get(record.civilNumber);
    if (earlier !== undefined) throw lineError(path, line, `civilNumber: repeats line ${earlier}`);
    records.set(record.civilNumber, record);
    lineOf.set(record.civilNumber, line);
  }
  return records;
}

function parseEventLine(path: string, line: number, value: unknown): RegistryEvent {
  try {
    return parseRegistryEvent(value);
  } catch (err) {
    throw lineError(path, line, (err as Error).message);
  }
}

async function loadEvents(path: string): Promise<EventLog> {
  const log: EventLog = { events: [], indexById: new Map() };
  for await (const { line, value } of readJsonLines(path)) {
    const event = parseEventLine(path, line, value);
    if (log.indexById.has(event.id)) throw lineError(path, line, `id: repeats an earlier event (${event.id})`);
    log.indexById.set(event.id, log.events.length);
    log.events.push(event);
  }
  return log;
}

// The cursor is the id of the last event handed out. An unknown cursor is an error rather
// than a restart from the beginning, which would hide a registry file that was replaced.
function pageEvents(log: EventLog, after: string | null, limit: number): { events: RegistryEvent[]; cursor: string | null } {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, not ${limit}`);
  let start = 0;
  if (after !== null) {
    const index = log.indexById.get(after);
    if (index === undefined) throw new Error(`events cursor ${after} is not an event in the registry's events file`);
    start = index + 1;
  }
  const events = log.events.slice(start, start + limit);
  return { events, cursor: events.at(-1)?.id ?? after };
}

// Loads on first call and shares the result; a failed load is forgotten so that the
// next call reads the file again.
function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}

export function createFileRegistry(path: string, options: FileRegistryOptions = {}): CivilRegistry {
  const records = loadOnce(() => loadRecords(path));
  const { eventsPath } = options;
  const eventLog = loadOnce(async () => (eventsPath ? loadEvents(eventsPath) : { events: [], indexById: new Map() }));
  return {
    async lookup(civilNumber) {
      return (await records()).get(civilNumber) ?? null;
    },
    async match(details) {
      return matchRecord((await records()).get(details.civilNumber) ?? null, details);
    },
    async events(after, limit) {
      return pageEvents(await eventLog(), after, limit);
    },
  };
}
