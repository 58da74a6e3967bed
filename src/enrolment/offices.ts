// Offices where identities are checked in person: post-office branches and offices of the
// Ministry of Interior. Citizens choose one when they register; staff belong to one.
import { z } from 'zod';
import type { Db } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export const officeSchema = z.object({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,15}$/, 'must be 2–16 capital letters, digits or hyphens'),
  kind: z.enum(['post', 'interior']),
  names: z.object({ ar: z.string().trim().min(1), fr: z.string().trim().min(1), en: z.string().trim().min(1) }),
  region: z.string().trim().min(1).max(64),
  active: z.boolean().default(true),
});

export type Office = z.infer<typeof officeSchema>;

interface OfficeRow {
  code: string;
  kind: 'post' | 'interior';
  name_ar: string;
  name_fr: string;
  name_en: string;
  region: string;
  active: boolean;
  [column: string]: unknown;
}

const toOffice = (row: OfficeRow): Office => ({
  code: row.code, kind: row.kind, names: { ar: row.name_ar, fr: row.name_fr, en: row.name_en }, region: row.region, active: row.active,
});

export interface OfficeQueries {
  // Open offices, by region then code: the list citizens choose from.
  listOpen(): Promise<Office[]>;
  list(): Promise<Office[]>;
  find(code: string): Promise<Office | null>;
  save(office: Office, actor: string): Promise<void>;
}

export function createOfficeQueries(deps: { db: Db; clock: Clock }): OfficeQueries {
  const { db, clock } = deps;
  const select = 'SELECT code, kind, name_ar, name_fr, name_en, region, active FROM offices';
  return {
    async listOpen() {
      const { rows } = await db.query<OfficeRow>(`${select} WHERE active ORDER BY region, code`);
      return rows.map(toOffice);
    },
    async list() {
      const { rows } = await db.query<OfficeRow>(`${select} ORDER BY region, code`);
      return rows.map(toOffice);
    },
    async find(code) {
      const { rows } = await db.query<OfficeRow>(`${select} WHERE code = $1`, [code]);
      return rows[0] ? toOffice(rows[0]) : null;
    },
    async save(office, actor) {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO offices (code, kind, name_ar, name_fr, name_en, region, active) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_ar = excluded.name_ar, name_fr = excluded.name_fr,
             name_en = excluded.name_en, region = excluded.region, active = excluded.active`,
          [office.code, office.kind, office.names.ar, office.names.fr, office.names.en, office.region, office.active],
        );
        await appendAudit(tx, clock, { actor, action: 'office.saved', subject: office.code, details: { kind: office.kind, region: office.region, active: office.active } });
      });
    },
  };
}
