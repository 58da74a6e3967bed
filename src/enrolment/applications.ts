// Applications: a person's request for an account, from registration to the decision at
// the counter. Reading them, and the guards every counter action runs first.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { StaffMember } from './staff.ts';

export type ApplicationState = 'awaiting_override' | 'awaiting_verification' | 'activated' | 'rejected' | 'expired';
export const OPEN_STATES: readonly ApplicationState[] = ['awaiting_override', 'awaiting_verification'];

export interface SubmittedApplication {
  civilNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

export interface Application {
  id: string;
  reference: string;
  personId: string;
  officeCode: string;
  channel: 'online' | 'assisted';
  // Expiry is read at the time of asking: an open application past its date is expired.
  state: ApplicationState;
  submitted: SubmittedApplication;
  mismatches: string[];
  email: string | null;
  phone: string | null;
  usernameAlias: string | null;
  locale: 'ar' | 'fr' | 'en';
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  decisionReason: string | null;
}

interface ApplicationRow {
  id: string;
  reference: string;
  person_id: string;
  office_code: string;
  channel: 'online' | 'assisted';
  state: ApplicationState;
  submitted: SubmittedApplication;
  mismatches: string[];
  email: string | null;
  phone: string | null;
  username_alias: string | null;
  locale: 'ar' | 'fr' | 'en';
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  decision_reason: string | null;
  [column: string]: unknown;
}

export function toApplication(row: ApplicationRow, now: Date): Application {
  const expired = OPEN_STATES.includes(row.state) && row.expires_at.getTime() <= now.getTime();
  return {
    id: row.id, reference: row.reference, personId: row.person_id, officeCode: row.office_code, channel: row.channel,
    state: expired ? 'expired' : row.state, submitted: row.submitted, mismatches: row.mismatches, email: row.email, phone: row.phone,
    usernameAlias: row.username_alias, locale: row.locale, createdAt: row.created_at, expiresAt: row.expires_at,
    decidedAt: row.decided_at, decidedBy: row.decided_by, decisionReason: row.decision_reason,
  };
}

const COLUMNS = `id, reference, person_id, office_code, channel, state, submitted, mismatches, email, phone, username_alias, locale,
  created_at, expires_at, decided_at, decided_by, decision_reason`;

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

export interface ApplicationQueries {
  findById(id: string): Promise<Application | null>;
  findByReference(reference: string): Promise<Application | null>;
  // The open application of the person with this civil number, if any.
  findOpenByCivilNumber(civilNumber: string): Promise<Application | null>;
  // An office's open applications, oldest first: the counter's queue.
  queue(officeCode: string, limit?: number): Promise<Application[]>;
}

export function createApplicationQueries(deps: { db: Db; clock: Clock }): ApplicationQueries {
  const { db, clock } = deps;
  const one = async (where: string, value: string) => {
    const { rows } = await db.query<ApplicationRow>(`SELECT ${COLUMNS} FROM applications WHERE ${where}`, [value]);
    return rows[0] ? toApplication(rows[0], clock.now()) : null;
  };
  return {
    findById: (id) => (isUuid(id) ? one('id = $1', id) : Promise.resolve(null)),
    findByReference: (reference) => one('reference = $1', reference),
    findOpenByCivilNumber: (civilNumber) => one(
      `person_id = (SELECT id FROM persons WHERE civil_number = $1) AND state IN ('awaiting_override', 'awaiting_verification')`, civilNumber,
    ),
    async queue(officeCode, limit = 100) {
      const now = clock.now();
      const { rows } = await db.query<ApplicationRow>(
        `SELECT ${COLUMNS} FROM applications WHERE office_code = $1 AND state IN ('awaiting_override', 'awaiting_verification')
           AND expires_at > $2 ORDER BY created_at LIMIT $3`,
        [officeCode, now, limit],
      );
      return rows.map((row) => toApplication(row, now));
    },
  };
}

// The first step of every counter action on an application: the row, locked, so two
// clerks pressing at once act one after the other and the second sees the first's result.
export async function lockApplication(tx: Queryable, clock: Clock, id: string): Promise<Application> {
  if (!isUuid(id)) throw new AppError('not_found');
  const { rows } = await tx.query<ApplicationRow>(`SELECT ${COLUMNS} FROM applications WHERE id = $1 FOR UPDATE`, [id]);
  if (!rows[0]) throw new AppError('not_found');
  return toApplication(rows[0], clock.now());
}

// Clerks and supervisors act only on their own office's applications and persons.
export function assertOfficeScope(staff: StaffMember, officeCode: string): void {
  if (staff.role === 'registrar_admin' || staff.officeCode !== officeCode) {
    throw new AppError('forbidden', { message: `staff of ${staff.officeCode ?? 'no office'} cannot act at ${officeCode}` });
  }
}

export function assertState(application: Application, ...allowed: ApplicationState[]): void {
  if (application.state === 'expired') throw new AppError('application_expired');
  if (!allowed.includes(application.state)) throw new AppError('application_closed', { message: `the application is ${application.state}` });
}
