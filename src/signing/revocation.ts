// Revoking citizens' signing certificates. Only the database changes here: OCSP answers
// from these rows, and the CRL is signed again as soon as a revocation is newer than it
// (crl.ts), so both reflect a revocation at once. That keeps this callable from any
// transaction (the register's death, enrolment's in-person recovery) without a keystore.
import type { Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { RevocationReason } from './signing-deps.ts';

export interface RevocationActor {
  actor: string;
  sourceIp?: string | null;
  requestId?: string | null;
}

async function revokeWhere(tx: Queryable, clock: Clock, where: string, params: unknown[], reason: RevocationReason, actor: RevocationActor): Promise<string[]> {
  const now = clock.now();
  const { rows } = await tx.query<{ serial: string; person_id: string; holder: string }>(
    `UPDATE signing_certificates SET revoked_at = $1, revocation_reason = $2
      WHERE revoked_at IS NULL AND ${where} RETURNING serial, person_id, holder`,
    [now, reason, ...params],
  );
  for (const row of rows) {
    await appendAudit(tx, clock, { ...actor, action: 'signing.certificate.revoked', subject: row.person_id, details: { serial: row.serial, holder: row.holder, reason } });
  }
  return rows.map((row) => row.serial);
}

// One certificate; `personId`, when given, must be its holder (the citizen's own pages).
export async function revokeCertificate(tx: Queryable, clock: Clock, input: { serial: string; personId?: string; reason: RevocationReason }, actor: RevocationActor): Promise<boolean> {
  const serials = input.personId
    ? await revokeWhere(tx, clock, 'serial = $3 AND person_id = $4', [input.serial, input.personId], input.reason, actor)
    : await revokeWhere(tx, clock, 'serial = $3', [input.serial], input.reason, actor);
  return serials.length > 0;
}

// Every live certificate of a person: death (cessation_of_operation), in-person recovery
// (key_compromise: whoever held the account may have used the key). Returns the serials.
export async function revokeCertificatesOf(tx: Queryable, clock: Clock, personId: string, reason: RevocationReason, actor: RevocationActor): Promise<string[]> {
  return revokeWhere(tx, clock, 'person_id = $3', [personId], reason, actor);
}

// A new device certificate replaces the one before it (a new phone): superseded.
export async function supersedeDeviceCertificates(tx: Queryable, clock: Clock, personId: string, actor: RevocationActor): Promise<string[]> {
  return revokeWhere(tx, clock, `person_id = $3 AND holder = 'device'`, [personId], 'superseded', actor);
}
