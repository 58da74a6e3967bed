// Agencies: the state bodies that own relying parties. An agency's allowed scopes bound
// what each of its clients may be registered for, whoever registers it (an admin, the
// CLI, or the agency itself through dynamic registration). Every change is audited.
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';

// Scopes an agency may be allowed. hawiya:admin is not among them: no agency client may
// ever hold the admin API's scope. agency_roles releases the person's roles at agencies
// (agency-roles.ts), for an agency's back office.
export const AGENCY_SCOPES = ['openid', 'offline_access', 'profile', 'gender', 'national_id', 'agency_roles'] as const;

const name = z.string().trim().min(1).max(200);

export const agencyInputSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be 2 to 40 lower-case letters, digits or hyphens, starting with a letter'),
  names: z.object({ ar: name, fr: name, en: name }).strict(),
  allowed_scopes: z.array(z.enum(AGENCY_SCOPES)).min(1).default(['openid', 'profile']),
}).strict();

export const agencyUpdateSchema = agencyInputSchema.omit({ code: true }).partial().strict();

export type AgencyInput = z.input<typeof agencyInputSchema>;
export type AgencyUpdate = z.input<typeof agencyUpdateSchema>;

export interface Agency {
  code: string;
  names: { ar: string; fr: string; en: string };
  allowed_scopes: string[];
  created_at: Date;
  updated_at: Date;
}

interface AgencyRow {
  code: string;
  name_ar: string;
  name_fr: string;
  name_en: string;
  allowed_scopes: string[];
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

const toAgency = (row: AgencyRow): Agency => ({
  code: row.code,
  names: { ar: row.name_ar, fr: row.name_fr, en: row.name_en },
  allowed_scopes: row.allowed_scopes,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

// Bad input names the field: "names.fr: Required".
export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  throw new AppError('bad_request', { message: path ? `${path}: ${issue.message}` : issue.message });
}

export interface AgencyDirectory {
  find(code: string, tx?: Queryable): Promise<Agency | null>;
  list(): Promise<Agency[]>;
  create(input: unknown, actor: string): Promise<Agency>;
  update(code: string, input: unknown, actor: string): Promise<Agency>;
}

export function createAgencyDirectory(deps: { db: Db; clock: Clock }): AgencyDirectory {
  const { db, clock } = deps;
  const find = async (code: string, tx: Queryable = db) => {
    const { rows } = await tx.query<AgencyRow>('SELECT * FROM agencies WHERE code = $1', [code]);
    return rows[0] ? toAgency(rows[0]) : null;
  };
  return {
    find,
    async list() {
      const { rows } = await db.query<AgencyRow>('SELECT * FROM agencies ORDER BY code');
      return rows.map(toAgency);
    },
    async create(input, actor) {
      const agency = parseInput(agencyInputSchema, input);
      return db.transaction(async (tx) => {
        const now = clock.now();
        const { rows } = await tx.query<AgencyRow>(
          `INSERT INTO agencies (code, name_ar, name_fr, name_en, allowed_scopes, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (code) DO NOTHING RETURNING *`,
          [agency.code, agency.names.ar, agency.names.fr, agency.names.en, agency.allowed_scopes, now],
        );
        if (!rows[0]) throw new AppError('conflict', { message: `code: an agency ${agency.code} exists already` });
        await appendAudit(tx, clock, { actor, action: 'agency.created', subject: agency.code, details: { names: agency.names, allowedScopes: agency.allowed_scopes } });
        return toAgency(rows[0]);
      });
    },
    async update(code, input, actor) {
      const change = parseInput(agencyUpdateSchema, input);
      return db.transaction(async (tx) => {
        const { rows } = await tx.query<AgencyRow>('SELECT * FROM agencies WHERE code = $1 FOR UPDATE', [code]);
        const current = rows[0];
        if (!current) throw new AppError('not_found', { message: `no agency ${code}` });
        const names = { ar: current.name_ar, fr: current.name_fr, en: current.name_en, ...change.names };
        const scopes = change.allowed_scopes ?? current.allowed_scopes;
        const { rows: updated } = await tx.query<AgencyRow>(
          `UPDATE agencies SET name_ar = $2, name_fr = $3, name_en = $4, allowed_scopes = $5, updated_at = $6 WHERE code = $1 RETURNING *`,
          [code, names.ar, names.fr, names.en, scopes, clock.now()],
        );
        await appendAudit(tx, clock, { actor, action: 'agency.updated', subject: code, details: { ...change } });
        return toAgency(updated[0]!);
      });
    },
  };
}

// What a client of this agency may be registered for: never more than the agency may.
export function assertWithinAgency(agency: Agency, metadata: Record<string, unknown>): void {
  const scopes = String(metadata.scope ?? '').split(' ').filter(Boolean);
  const beyond = scopes.filter((scope) => !agency.allowed_scopes.includes(scope));
  if (beyond.length > 0) {
    throw new AppError('invalid_client_metadata', { message: `scope: ${beyond.join(', ')} not allowed to agency ${agency.code}` });
  }
}
