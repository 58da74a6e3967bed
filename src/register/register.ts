// Entering a person into the register from a registry record, in one transaction.
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { RegistryRecord } from './person.ts';
import { createPerson, lockPersonByCivilNumber, type Actor, type Person } from './persons.ts';

// Idempotent by civil number: the person already in the register is returned as is.
export async function enterPerson(deps: { db: Db; clock: Clock; eidLength?: number }, record: RegistryRecord, actor: Actor): Promise<Person> {
  return deps.db.transaction(async (tx) => {
    const existing = await lockPersonByCivilNumber(tx, record.civilNumber);
    if (existing) return existing;
    return createPerson(tx, { clock: deps.clock, ...(deps.eidLength ? { length: deps.eidLength } : {}) }, record, actor);
  });
}
