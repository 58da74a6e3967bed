// Roles that persons hold at an agency, kept by operators (`hawiya agencies staff …`) and
// released as the agency_roles claim ("finance:<agency>") to clients registered with the
// agency_roles scope: the payment gateway's finance back office reads it. The role is
// read at each release, so taking it away takes effect at the person's next sign-in.
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

export const AGENCY_ROLES = ['finance'] as const;
export type AgencyRole = (typeof AGENCY_ROLES)[number];

export function isAgencyRole(value: unknown): value is AgencyRole {
  return (AGENCY_ROLES as readonly unknown[]).includes(value);
}

export interface AgencyStaffMember {
  agency: string;
  eid: string;
  role: AgencyRole;
  name: string;
}

interface AgencyStaffRow {
  agency_code: string;
  eid: string;
  role: AgencyRole;
  given_name_lat: string;
  family_name_lat: string;
  [column: string]: unknown;
}

const toMember = (row: AgencyStaffRow): AgencyStaffMember => ({
  agency: row.agency_code, eid: row.eid, role: row.role, name: `${row.given_name_lat} ${row.family_name_lat}`,
});

export interface AgencyStaffDirectory {
  list(agencyCode?: string): Promise<AgencyStaffMember[]>;
  // Adding a role the person holds already changes nothing and audits nothing.
  add(input: { agency: string; eid: string; role: AgencyRole }, actor: string): Promise<AgencyStaffMember>;
  remove(input: { agency: string; eid: string; role: AgencyRole }, actor: string): Promise<boolean>;
  // The claim's values for a person: "<role>:<agency>", sorted.
  claimOf(personId: string): Promise<string[]>;
}

async function livingPersonId(tx: Queryable, eid: string): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM persons WHERE eid = $1 AND status = 'alive'`, [eid.replace(/\s/g, '')]);
  if (!rows[0]) throw new AppError('bad_request', { message: 'no living person has this e-ID number' });
  return rows[0].id;
}

const SELECT_MEMBERS = `SELECT r.agency_code, p.eid, r.role, p.given_name_lat, p.family_name_lat
  FROM agency_staff_roles r JOIN persons p ON p.id = r.person_id`;

export function createAgencyStaffDirectory(deps: { db: Db; clock: Clock }): AgencyStaffDirectory {
  const { db, clock } = deps;
  return {
    async list(agencyCode) {
      const { rows } = await db.query<AgencyStaffRow>(
        `${SELECT_MEMBERS} WHERE $1::text IS NULL OR r.agency_code = $1 ORDER BY r.agency_code, r.role, p.family_name_lat`, [agencyCode ?? null],
      );
      return rows.map(toMember);
    },
    async add(input, actor) {
      return db.transaction(async (tx) => {
        const { rows: agency } = await tx.query('SELECT 1 FROM agencies WHERE code = $1', [input.agency]);
        if (agency.length === 0) throw new AppError('not_found', { message: `no agency ${input.agency}` });
        const personId = await livingPersonId(tx, input.eid);
        const { rowCount } = await tx.query(
          `INSERT INTO agency_staff_roles (person_id, agency_code, role, added_at, added_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING`,
          [personId, input.agency, input.role, clock.now(), actor],
        );
        if (rowCount > 0) await appendAudit(tx, clock, { actor, action: 'agency_role.added', subject: personId, details: { agency: input.agency, role: input.role } });
        const { rows } = await tx.query<AgencyStaffRow>(`${SELECT_MEMBERS} WHERE r.person_id = $1 AND r.agency_code = $2 AND r.role = $3`, [personId, input.agency, input.role]);
        return toMember(rows[0]!);
      });
    },
    async remove(input, actor) {
      return db.transaction(async (tx) => {
        const personId = await livingPersonId(tx, input.eid);
        const { rowCount } = await tx.query('DELETE FROM agency_staff_roles WHERE person_id = $1 AND agency_code = $2 AND role = $3', [personId, input.agency, input.role]);
        if (rowCount === 0) return false;
        await appendAudit(tx, clock, { actor, action: 'agency_role.removed', subject: personId, details: { agency: input.agency, role: input.role } });
        return true;
      });
    },
    async claimOf(personId) {
      const { rows } = await db.query<{ role: string; agency_code: string }>(
        'SELECT role, agency_code FROM agency_staff_roles WHERE person_id = $1 ORDER BY role, agency_code', [personId],
      );
      return rows.map((row) => `${row.role}:${row.agency_code}`);
    },
  };
}
