// Staff: persons of the register with a role. Clerks and supervisors work at one office;
// a registrar-admin is national. The role is read from here at every request, never
// from a form, so removing someone takes effect at their next click.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export type StaffRole = 'clerk' | 'supervisor' | 'registrar_admin';
export const STAFF_ROLES: readonly StaffRole[] = ['clerk', 'supervisor', 'registrar_admin'];

export interface StaffMember {
  personId: string;
  eid: string;
  role: StaffRole;
  officeCode: string | null;
  name: string;
}

// Who is acting, and from where, for the audit log.
export interface StaffActor {
  staff: StaffMember;
  requestId?: string | undefined;
  sourceIp?: string | undefined;
}

interface StaffRow {
  person_id: string;
  eid: string;
  role: StaffRole;
  office_code: string | null;
  given_name_lat: string;
  family_name_lat: string;
  [column: string]: unknown;
}

const toStaff = (row: StaffRow): StaffMember => ({
  personId: row.person_id, eid: row.eid, role: row.role, officeCode: row.office_code, name: `${row.given_name_lat} ${row.family_name_lat}`,
});

const SELECT_STAFF = `SELECT s.person_id, p.eid, s.role, s.office_code, p.given_name_lat, p.family_name_lat
  FROM staff s JOIN persons p ON p.id = s.person_id`;

export function auditActor(actor: StaffActor) {
  return {
    actor: `staff:${actor.staff.personId}`,
    requestId: actor.requestId ?? null,
    sourceIp: actor.sourceIp ?? null,
  };
}

export interface StaffQueries {
  find(personId: string): Promise<StaffMember | null>;
  list(officeCode?: string): Promise<StaffMember[]>;
  add(input: { eid: string; role: StaffRole; officeCode: string | null }, actor: string): Promise<StaffMember>;
  remove(eid: string, actor: string): Promise<boolean>;
}

export function createStaffQueries(deps: { db: Db; clock: Clock }): StaffQueries {
  const { db, clock } = deps;
  return {
    async find(personId) {
      if (!/^[0-9a-f-]{36}$/i.test(personId)) return null;
      const { rows } = await db.query<StaffRow>(`${SELECT_STAFF} WHERE s.person_id = $1 AND p.status = 'alive'`, [personId]);
      return rows[0] ? toStaff(rows[0]) : null;
    },
    async list(officeCode) {
      const { rows } = await db.query<StaffRow>(
        `${SELECT_STAFF} WHERE ($1::text IS NULL OR s.office_code = $1) ORDER BY s.office_code NULLS FIRST, s.role, p.family_name_lat`, [officeCode ?? null],
      );
      return rows.map(toStaff);
    },
    // Adding someone who is already staff changes their role or office.
    async add(input, actor) {
      if ((input.role === 'registrar_admin') !== (input.officeCode === null)) {
        throw new AppError('invalid_form', { message: 'a registrar-admin has no office; clerks and supervisors have one', fields: { office: 'fields.office.invalid' } });
      }
      return db.transaction(async (tx) => {
        const person = await personByEid(tx, input.eid);
        if (input.officeCode !== null) {
          const { rows: found } = await tx.query('SELECT 1 FROM offices WHERE code = $1', [input.officeCode]);
          if (found.length === 0) throw new AppError('invalid_form', { message: `no office ${input.officeCode}`, fields: { office: 'fields.office.unknown' } });
        }
        await tx.query(
          `INSERT INTO staff (person_id, role, office_code, added_at, added_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (person_id) DO UPDATE SET role = excluded.role, office_code = excluded.office_code, added_at = excluded.added_at, added_by = excluded.added_by`,
          [person, input.role, input.officeCode, clock.now(), actor],
        );
        await appendAudit(tx, clock, { actor, action: 'staff.added', subject: person, details: { role: input.role, office: input.officeCode } });
        const { rows } = await tx.query<StaffRow>(`${SELECT_STAFF} WHERE s.person_id = $1`, [person]);
        return toStaff(rows[0]!);
      });
    },
    async remove(eid, actor) {
      return db.transaction(async (tx) => {
        const person = await personByEid(tx, eid);
        const { rows } = await tx.query<{ role: string; office_code: string | null }>('DELETE FROM staff WHERE person_id = $1 RETURNING role, office_code', [person]);
        if (rows.length === 0) return false;
        await appendAudit(tx, clock, { actor, action: 'staff.removed', subject: person, details: { role: rows[0]!.role, office: rows[0]!.office_code } });
        return true;
      });
    },
  };
}

async function personByEid(tx: Queryable, eid: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM persons WHERE eid = $1 AND status = 'alive'`, [eid.replace(/\s/g, '')]);
  if (!rows[0]) throw new AppError('invalid_form', { message: 'no living person has this e-ID number', fields: { eid: 'fields.eid.unknown' } });
  return rows[0].id;
}
