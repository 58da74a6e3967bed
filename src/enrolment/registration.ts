// Registration: what a citizen submits online (or a clerk types for them at the counter),
// matched against the civil registry. A match opens an application with a reference
// code; an unknown civil number and mismatched details get the same answer.
//
//   submitApplication = validate → checkOffice → matchAgainstRegistry → enterPerson
//                       → expireStale → insertApplication (one open per person) → audit
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { isoDate, luhnValid, type RegistryRecord } from '../register/person.ts';
import type { CivilRegistry } from '../register/civil-registry.ts';
import { mismatchedFields } from '../register/matching.ts';
import { createPerson, lockPersonByCivilNumber, type Person } from '../register/persons.ts';
import { generateReference, parseReference, type RandomBytes } from './codes.ts';
import { toApplication, type Application } from './applications.ts';
import { auditActor, type StaffActor } from './staff.ts';
import { isUniqueViolation } from '../db/db.ts';

// Each message is the key of a translated sentence that names the field.
const personName = (field: string) => z.string().trim().min(1, `fields.${field}.required`).max(100, `fields.${field}.too_long`).regex(/\p{L}/u, `fields.${field}.invalid`);

export const registrationSchema = z.object({
  civilNumber: z.string().trim().min(1, 'fields.civilNumber.required').regex(/^\d{10}$/, 'fields.civilNumber.invalid').refine(luhnValid, 'fields.civilNumber.invalid'),
  givenName: personName('givenName'),
  familyName: personName('familyName'),
  birthDate: z.string().trim().min(1, 'fields.birthDate.required').refine((value) => isoDate.safeParse(value).success, 'fields.birthDate.invalid'),
  email: z.email('fields.email.invalid').max(254, 'fields.email.invalid').optional(),
  phone: z.string().trim().regex(/^\+?[0-9 ]{8,20}$/, 'fields.phone.invalid').transform((value) => value.replace(/ /g, '')).optional(),
  officeCode: z.string().trim().min(1, 'fields.officeCode.required').max(16, 'fields.officeCode.unknown'),
  // The username the citizen would rather have than their e-ID number.
  usernameAlias: z.string().trim().toLowerCase().regex(/^[a-z][a-z0-9._-]{3,31}$/, 'fields.usernameAlias.invalid').optional(),
  locale: z.enum(['ar', 'fr', 'en']),
});

export type Registration = z.infer<typeof registrationSchema>;

export interface RegistrationDeps {
  db: Db;
  clock: Clock;
  registry: CivilRegistry;
  eidLength: number;
  applicationDays: number;
  random?: RandomBytes;
}

const DAY_MS = 24 * 60 * 60 * 1000;

// A citizen's own registration: a match is required, and they give a way to reach them.
export async function submitApplication(deps: RegistrationDeps, input: Registration, context: { requestId?: string; sourceIp?: string }): Promise<Application> {
  if (!input.email && !input.phone) throw new AppError('invalid_form', { message: 'an email or a phone number is required', fields: { email: 'fields.contact.required' } });
  await assertOpenOffice(deps.db, input.officeCode);
  const record = await deps.registry.lookup(input.civilNumber);
  if (!record || mismatchedFields(record, input).length > 0) throw new AppError('registration_not_matched');
  return openApplication(deps, { input, record, channel: 'online', mismatches: [] }, {
    actor: 'citizen', requestId: context.requestId ?? null, sourceIp: context.sourceIp ?? null,
  });
}

// A clerk registers a citizen who has come in person. When the registry knows the civil
// number but the details differ, the application waits for a supervisor's override.
export async function submitAssistedApplication(deps: RegistrationDeps, input: Registration, actor: StaffActor): Promise<Application> {
  if (actor.staff.officeCode !== input.officeCode) throw new AppError('forbidden', { message: 'assisted enrolment happens at the clerk\'s own office' });
  await assertOpenOffice(deps.db, input.officeCode);
  const record = await deps.registry.lookup(input.civilNumber);
  if (!record) throw new AppError('registration_not_matched');
  return openApplication(deps, { input, record, channel: 'assisted', mismatches: mismatchedFields(record, input) }, auditActor(actor));
}

async function assertOpenOffice(db: Db, code: string): Promise<void> {
  const { rows: found } = await db.query('SELECT 1 FROM offices WHERE code = $1 AND active', [code]);
  if (found.length === 0) throw new AppError('invalid_form', { message: `no open office ${code}`, fields: { officeCode: 'fields.officeCode.unknown' } });
}

async function openApplication(
  deps: RegistrationDeps,
  input: { input: Registration; record: RegistryRecord; channel: 'online' | 'assisted'; mismatches: string[] },
  actor: { actor: string; requestId: string | null; sourceIp: string | null },
): Promise<Application> {
  const now = deps.clock.now();
  const { input: form, record } = input;
  if (form.usernameAlias) {
    const { rows: taken } = await deps.db.query('SELECT 1 FROM accounts WHERE username = $1', [form.usernameAlias]);
    if (taken.length > 0) throw new AppError('invalid_form', { fields: { usernameAlias: 'fields.usernameAlias.taken' } });
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await deps.db.transaction(async (tx) => {
        const person = await enterPerson(tx, deps, record, actor);
        if (person.status !== 'alive') throw new AppError('registration_not_matched');
        await expireStale(tx, person.id, now);
        const id = randomUUID();
        const state = input.mismatches.length > 0 ? 'awaiting_override' : 'awaiting_verification';
        const submitted = { civilNumber: form.civilNumber, givenName: form.givenName, familyName: form.familyName, birthDate: form.birthDate };
        const { rows } = await tx.query<Parameters<typeof toApplication>[0]>(
          `INSERT INTO applications (id, reference, person_id, office_code, channel, state, submitted, mismatches, email, phone, username_alias, locale, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
           RETURNING id, reference, person_id, office_code, channel, state, submitted, mismatches, email, phone, username_alias, locale,
             created_at, expires_at, decided_at, decided_by, decision_reason`,
          [id, generateReference(deps.random), person.id, form.officeCode, input.channel, state, submitted, input.mismatches,
            form.email ?? null, form.phone ?? null, form.usernameAlias ?? null, form.locale, now, new Date(now.getTime() + deps.applicationDays * DAY_MS)],
        );
        await appendAudit(tx, deps.clock, {
          ...actor, action: 'application.submitted', subject: person.id,
          details: { application: id, office: form.officeCode, channel: input.channel, mismatches: input.mismatches },
        });
        return toApplication(rows[0]!, now);
      });
    } catch (err) {
      // The partial unique indexes: one open application per person, one claim on an alias.
      if (isUniqueViolation(err, 'applications_one_open')) throw new AppError('application_exists');
      if (isUniqueViolation(err, 'applications_username_alias')) throw new AppError('invalid_form', { fields: { usernameAlias: 'fields.usernameAlias.taken' } });
      // Two registrations entering one new person at once: the second finds the first's.
      if (isUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
  }
}

async function enterPerson(tx: Queryable, deps: RegistrationDeps, record: RegistryRecord, actor: { actor: string; requestId: string | null; sourceIp: string | null }): Promise<Person> {
  return (await lockPersonByCivilNumber(tx, record.civilNumber))
    ?? createPerson(tx, { clock: deps.clock, length: deps.eidLength }, record, actor);
}

// An open application past its date no longer counts as the person's one open application.
async function expireStale(tx: Queryable, personId: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE applications SET state = 'expired' WHERE person_id = $1 AND state IN ('awaiting_override', 'awaiting_verification') AND expires_at <= $2`,
    [personId, now],
  );
}

export interface ApplicationStatus {
  reference: string;
  state: Application['state'];
  officeCode: string;
  expiresAt: Date;
  decidedAt: Date | null;
}

// "Where is my application": the reference and the birth date, both right, or nothing,
// so a guessed reference reveals nothing.
export async function applicationStatus(deps: { db: Db; clock: Clock }, input: { reference: string; birthDate: string }): Promise<ApplicationStatus | null> {
  const reference = parseReference(input.reference);
  if (!reference) return null;
  const { rows } = await deps.db.query<Parameters<typeof toApplication>[0]>(
    `SELECT a.id, a.reference, a.person_id, a.office_code, a.channel, a.state, a.submitted, a.mismatches, a.email, a.phone, a.username_alias,
       a.locale, a.created_at, a.expires_at, a.decided_at, a.decided_by, a.decision_reason
     FROM applications a JOIN persons p ON p.id = a.person_id WHERE a.reference = $1 AND p.birth_date = $2::date`,
    [reference, input.birthDate],
  );
  if (!rows[0]) return null;
  const application = toApplication(rows[0], deps.clock.now());
  return { reference: application.reference, state: application.state, officeCode: application.officeCode, expiresAt: application.expiresAt, decidedAt: application.decidedAt };
}
