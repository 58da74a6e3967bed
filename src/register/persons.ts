// The register's persons: queries bound to a Db, and the writes that happen inside a
// caller's transaction (creation with its e-ID, updates from the registry, death).
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import type { RegistryRecord } from './person.ts';
import { allocateEid, type AllocationOptions } from './allocate.ts';
import { revokeCertificatesOf } from '../signing/revocation.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { endProviderState } from '../notify/logout-queue.ts';

export interface Person {
  id: string;
  eid: string;
  civilNumber: string;
  names: RegistryRecord['names'];
  birthDate: string;
  birthplace: string;
  sex: 'F' | 'M';
  nationality: string;
  locale: 'ar' | 'fr' | 'en';
  status: 'alive' | 'deceased';
  deathDate: string | null;
  registryVersion: number;
}

interface PersonRow {
  id: string;
  eid: string;
  civil_number: string;
  given_name_ar: string;
  father_name_ar: string;
  grandfather_name_ar: string;
  family_name_ar: string;
  given_name_lat: string;
  father_name_lat: string;
  grandfather_name_lat: string;
  family_name_lat: string;
  birth_date: string;
  birthplace: string;
  sex: 'F' | 'M';
  nationality: string;
  locale: 'ar' | 'fr' | 'en';
  status: 'alive' | 'deceased';
  death_date: string | null;
  registry_version: number;
  [column: string]: unknown;
}

// Dates as the calendar dates they are, never shifted by a time zone.
const PERSON_COLUMNS = `id, eid, civil_number, given_name_ar, father_name_ar, grandfather_name_ar, family_name_ar,
  given_name_lat, father_name_lat, grandfather_name_lat, family_name_lat, to_char(birth_date, 'YYYY-MM-DD') AS birth_date,
  birthplace, sex, nationality, locale, status, to_char(death_date, 'YYYY-MM-DD') AS death_date, registry_version`;

export function toPerson(row: PersonRow): Person {
  return {
    id: row.id,
    eid: row.eid,
    civilNumber: row.civil_number,
    names: {
      ar: { given: row.given_name_ar, father: row.father_name_ar, grandfather: row.grandfather_name_ar, family: row.family_name_ar },
      lat: { given: row.given_name_lat, father: row.father_name_lat, grandfather: row.grandfather_name_lat, family: row.family_name_lat },
    },
    birthDate: row.birth_date,
    birthplace: row.birthplace,
    sex: row.sex,
    nationality: row.nationality,
    locale: row.locale,
    status: row.status,
    deathDate: row.death_date,
    registryVersion: row.registry_version,
  };
}

export interface PersonQueries {
  findById(id: string): Promise<Person | null>;
  findByCivilNumber(civilNumber: string, tx?: Queryable): Promise<Person | null>;
  findByEid(eid: string): Promise<Person | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createPersonQueries(db: Db): PersonQueries {
  const one = async (queryable: Queryable, where: string, value: string) => {
    const { rows } = await queryable.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE ${where} = $1`, [value]);
    return rows[0] ? toPerson(rows[0]) : null;
  };
  return {
    findById: (id) => (UUID.test(id) ? one(db, 'id', id) : Promise.resolve(null)),
    findByCivilNumber: (civilNumber, tx) => one(tx ?? db, 'civil_number', civilNumber),
    findByEid: (eid) => one(db, 'eid', eid),
  };
}

// Locks the person's row for the rest of the transaction.
export async function lockPersonByCivilNumber(tx: Queryable, civilNumber: string): Promise<Person | null> {
  const { rows } = await tx.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE civil_number = $1 FOR UPDATE`, [civilNumber]);
  return rows[0] ? toPerson(rows[0]) : null;
}

export function personRowValues(id: string, eid: string, record: RegistryRecord): unknown[] {
  const { ar, lat } = record.names;
  return [
    id, eid, record.civilNumber, ar.given, ar.father, ar.grandfather, ar.family, lat.given, lat.father, lat.grandfather, lat.family,
    record.birthDate, record.birthplace, record.sex, record.nationality, record.locale, record.status, record.deathDate ?? null, record.version,
  ];
}

export const PERSON_INSERT_COLUMNS = `id, eid, civil_number, given_name_ar, father_name_ar, grandfather_name_ar, family_name_ar,
  given_name_lat, father_name_lat, grandfather_name_lat, family_name_lat, birth_date, birthplace, sex, nationality, locale,
  status, death_date, registry_version`;

export interface RegisterWriteDeps extends AllocationOptions {
  clock: Clock;
}

export interface Actor {
  actor: string;
  sourceIp?: string | null;
  requestId?: string | null;
}

// A birth, or a person entering the register from the registry: a new UUID and a new
// e-ID, recorded in the audit log in the same transaction.
export async function createPerson(tx: Queryable, deps: RegisterWriteDeps, record: RegistryRecord, actor: Actor): Promise<Person> {
  const id = randomUUID();
  const eid = await allocateEid(tx, deps);
  await tx.query(
    `INSERT INTO persons (${PERSON_INSERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    personRowValues(id, eid, record),
  );
  await appendAudit(tx, deps.clock, { ...actor, action: 'person.created', subject: id, details: { registryVersion: record.version } });
  const { rows } = await tx.query<PersonRow>(`SELECT ${PERSON_COLUMNS} FROM persons WHERE id = $1`, [id]);
  return toPerson(rows[0]!);
}

// A name change or correction: the register takes the registry's record as it now is.
export async function updatePersonFromRecord(tx: Queryable, deps: RegisterWriteDeps, person: Person, record: RegistryRecord, actor: Actor & { action: string }): Promise<void> {
  const { ar, lat } = record.names;
  await tx.query(
    `UPDATE persons SET given_name_ar = $2, father_name_ar = $3, grandfather_name_ar = $4, family_name_ar = $5,
       given_name_lat = $6, father_name_lat = $7, grandfather_name_lat = $8, family_name_lat = $9,
       birth_date = $10, birthplace = $11, sex = $12, nationality = $13, registry_version = $14, updated_at = $15
     WHERE id = $1`,
    [person.id, ar.given, ar.father, ar.grandfather, ar.family, lat.given, lat.father, lat.grandfather, lat.family,
      record.birthDate, record.birthplace, record.sex, record.nationality, record.version, deps.clock.now()],
  );
  const changed = Object.entries({ names: JSON.stringify(person.names) !== JSON.stringify(record.names), birthDate: person.birthDate !== record.birthDate, birthplace: person.birthplace !== record.birthplace, sex: person.sex !== record.sex, nationality: person.nationality !== record.nationality })
    .filter(([, differs]) => differs).map(([field]) => field);
  await appendAudit(tx, deps.clock, { ...actor, subject: person.id, details: { registryVersion: record.version, changed } });
}

// Death closes a person: their account is blocked and every session, grant, code and
// token they hold is removed, so no relying party can use them again.
export async function recordDeath(tx: Queryable, deps: RegisterWriteDeps, person: Person, death: { date: string; version: number }, actor: Actor): Promise<{ endedProviderRows: number }> {
  const now = deps.clock.now();
  await tx.query(`UPDATE persons SET status = 'deceased', death_date = $2, registry_version = $3, updated_at = $4 WHERE id = $1`, [person.id, death.date, death.version, now]);
  await tx.query('UPDATE accounts SET blocked_at = COALESCE(blocked_at, $2) WHERE id = $1', [person.id, now]);
  // Every service the person was signed in to is told, through the back-channel logout queue.
  const rowCount = await endProviderState(tx, deps.clock, person.id, 'death');
  // The dead sign nothing more: their signing certificates end with them.
  await revokeCertificatesOf(tx, deps.clock, person.id, 'cessation_of_operation', actor);
  await appendAudit(tx, deps.clock, { ...actor, action: 'person.died', subject: person.id, details: { registryVersion: death.version, endedProviderRows: rowCount } });
  return { endedProviderRows: rowCount };
}
