// Registry events: births, deaths, name changes and corrections, pushed by the civil
// registry or pulled by `hawiya registry sync`. Each event is applied once (by its id),
// in version order per person (one ahead of its turn waits as pending), in one
// transaction with its audit record.
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { civilNumber, isoDate, registryRecordSchema, type RegistryRecord } from './person.ts';
import { createPerson, lockPersonByCivilNumber, recordDeath, updatePersonFromRecord, type Person, type Actor } from './persons.ts';
import type { RegistryEvent } from './civil-registry.ts';

const base = {
  id: z.string().trim().min(1).max(200),
  civilNumber,
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime({ offset: true }),
};

export const registryEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('birth'), record: registryRecordSchema }),
  z.object({ ...base, type: z.literal('name_change'), record: registryRecordSchema }),
  z.object({ ...base, type: z.literal('correction'), record: registryRecordSchema }),
  z.object({ ...base, type: z.literal('death'), deathDate: isoDate }),
], { error: (issue) => (issue.code === 'invalid_union' ? 'type: unknown event type (expected birth, death, name_change or correction)' : undefined) });

export type ParsedEvent = z.infer<typeof registryEventSchema>;

export type EventOutcome = 'applied' | 'pending' | 'stale' | 'duplicate';

export interface EventDeps {
  db: Db;
  clock: Clock;
  eidLength?: number;
}

// Bad input names the field: "record.birthDate: is not a real date".
export function parseRegistryEvent(input: unknown): ParsedEvent {
  const parsed = registryEventSchema.safeParse(input);
  if (parsed.success) {
    const event = parsed.data;
    if ('record' in event && event.record.civilNumber !== event.civilNumber) {
      throw new AppError('bad_request', { message: 'record.civilNumber: differs from the event\'s civilNumber' });
    }
    return event;
  }
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  throw new AppError('bad_request', { message: path ? `${path}: ${issue.message}` : issue.message });
}

async function applyToPerson(tx: Queryable, deps: EventDeps, event: ParsedEvent, person: Person | null, actor: Actor): Promise<void> {
  const writeDeps = { clock: deps.clock, ...(deps.eidLength ? { length: deps.eidLength } : {}) };
  switch (event.type) {
    case 'birth':
      if (person) throw new AppError('bad_request', { message: 'civilNumber: a birth for a person already in the register' });
      await createPerson(tx, writeDeps, { ...event.record, version: event.version }, actor);
      return;
    case 'death':
      if (!person) throw new AppError('bad_request', { message: 'civilNumber: a death for a person not in the register' });
      await recordDeath(tx, writeDeps, person, { date: event.deathDate, version: event.version }, actor);
      return;
    case 'name_change':
    case 'correction':
      if (!person) throw new AppError('bad_request', { message: `civilNumber: a ${event.type} for a person not in the register` });
      await updatePersonFromRecord(tx, writeDeps, person, { ...event.record, version: event.version } as RegistryRecord, { ...actor, action: `person.${event.type}` });
  }
}

// A plain insert: two nodes recording one event id meet on the primary key, and the
// loser retries and finds it a duplicate.
async function recordEvent(tx: Queryable, clock: Clock, event: ParsedEvent, outcome: 'applied' | 'pending' | 'stale'): Promise<void> {
  await tx.query(
    `INSERT INTO registry_events (id, type, civil_number, version, payload, received_at, applied_at, outcome)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [event.id, event.type, event.civilNumber, event.version, event, clock.now(), outcome === 'applied' ? clock.now() : null, outcome],
  );
}

// Applies, each in its own transaction, the pending events now next in line for this
// person, so a failure there never undoes the event that unblocked them.
async function drainPending(deps: EventDeps, civil: string, actor: Actor): Promise<void> {
  for (;;) {
    const applied = await deps.db.transaction(async (tx) => {
      const person = await lockPersonByCivilNumber(tx, civil);
      const next = (person?.registryVersion ?? 0) + 1;
      const { rows } = await tx.query<{ payload: ParsedEvent }>(
        `SELECT payload FROM registry_events WHERE civil_number = $1 AND outcome = 'pending' AND version = $2 ORDER BY received_at LIMIT 1`,
        [civil, next],
      );
      const waiting = rows[0]?.payload;
      if (!waiting) return false;
      await applyToPerson(tx, deps, waiting, person, actor);
      await tx.query(`UPDATE registry_events SET outcome = 'applied', applied_at = $2 WHERE id = $1`, [waiting.id, deps.clock.now()]);
      return true;
    });
    if (!applied) return;
  }
}

async function applyOnce(deps: EventDeps, event: ParsedEvent, actor: Actor): Promise<EventOutcome> {
  return deps.db.transaction(async (tx) => {
    const { rows: seen } = await tx.query('SELECT 1 FROM registry_events WHERE id = $1', [event.id]);
    if (seen.length > 0) return 'duplicate';
    // The person's row lock orders events for one person across nodes.
    const person = await lockPersonByCivilNumber(tx, event.civilNumber);
    const current = person?.registryVersion ?? 0;
    if (event.version <= current) {
      await recordEvent(tx, deps.clock, event, 'stale');
      return 'stale';
    }
    if (event.version > current + 1) {
      await recordEvent(tx, deps.clock, event, 'pending');
      return 'pending';
    }
    await applyToPerson(tx, deps, event, person, actor);
    await recordEvent(tx, deps.clock, event, 'applied');
    return 'applied';
  });
}

const UNIQUE_VIOLATION = '23505';

export async function applyRegistryEvent(deps: EventDeps, input: RegistryEvent | ParsedEvent | unknown, actor: Actor): Promise<EventOutcome> {
  const event = parseRegistryEvent(input);
  // Two nodes racing on one person (two births for one civil number, one event id twice)
  // meet on a unique constraint; the loser tries again and then sees the winner's work.
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await applyOnce(deps, event, actor);
      if (outcome === 'applied') await drainPending(deps, event.civilNumber, actor);
      return outcome;
    } catch (err) {
      if ((err as { code?: unknown }).code !== UNIQUE_VIOLATION || attempt >= 3) throw err;
    }
  }
}
