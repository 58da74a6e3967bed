// Citizens' signing certificates: issuing one for a key in our keystore (remote signing)
// or for a key held by the citizen's device (after proof of possession, device-csr.ts);
// listing and finding them. One live certificate of each kind per citizen; each issuance
// is audited in its transaction.
import type { Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import type { Person } from '../register/persons.ts';
import { citizenSubject, citizenTbs } from './certificate-profile.ts';
import { randomSerial, signCertificate } from './x509.ts';
import type { LoadedCa } from './ca.ts';
import type { SigningDeps, RevocationReason } from './signing-deps.ts';
import { supersedeDeviceCertificates, type RevocationActor } from './revocation.ts';

export type Holder = 'remote' | 'device';

export interface SigningCertificate {
  serial: string;
  personId: string;
  holder: Holder;
  keyId: string | null;
  der: Buffer;
  notBefore: Date;
  notAfter: Date;
  issuedAt: Date;
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
}

interface CertificateRow {
  serial: string;
  person_id: string;
  holder: Holder;
  key_id: string | null;
  certificate: unknown;
  not_before: Date;
  not_after: Date;
  issued_at: Date;
  revoked_at: Date | null;
  revocation_reason: RevocationReason | null;
  [column: string]: unknown;
}

function toCertificate(row: CertificateRow): SigningCertificate {
  return {
    serial: row.serial, personId: row.person_id, holder: row.holder, keyId: row.key_id, der: toBuffer(row.certificate),
    notBefore: row.not_before, notAfter: row.not_after, issuedAt: row.issued_at, revokedAt: row.revoked_at, revocationReason: row.revocation_reason,
  };
}

export async function certificatesOf(db: Queryable, personId: string): Promise<SigningCertificate[]> {
  const { rows } = await db.query<CertificateRow>('SELECT * FROM signing_certificates WHERE person_id = $1 ORDER BY issued_at DESC', [personId]);
  return rows.map(toCertificate);
}

export async function findCertificate(db: Queryable, serial: string): Promise<SigningCertificate | null> {
  if (!/^[0-9a-f]{1,64}$/.test(serial)) return null;
  const { rows } = await db.query<CertificateRow>('SELECT * FROM signing_certificates WHERE serial = $1', [serial]);
  return rows[0] ? toCertificate(rows[0]) : null;
}

// The live remote certificate of a person, the one their credentialID names.
export async function liveRemoteCertificate(db: Queryable, personId: string): Promise<SigningCertificate | null> {
  const { rows } = await db.query<CertificateRow>(`SELECT * FROM signing_certificates WHERE person_id = $1 AND holder = 'remote' AND revoked_at IS NULL`, [personId]);
  return rows[0] ? toCertificate(rows[0]) : null;
}

export function isValidAt(certificate: SigningCertificate, at: Date): boolean {
  return certificate.revokedAt === null && certificate.notBefore <= at && at < certificate.notAfter;
}

// Names in Latin script, as a verifier abroad can read them; the e-ID number identifies.
function citizenSubjectOf(deps: Pick<SigningDeps, 'settings'>, person: Person) {
  return citizenSubject({ country: deps.settings.country, givenName: person.names.lat.given, surname: person.names.lat.family, eid: person.eid });
}

interface IssueInput {
  person: Person;
  holder: Holder;
  // Device keys: the SubjectPublicKeyInfo from the CSR. Remote keys are made here.
  devicePublicKey?: Buffer;
}

export async function issueCertificate(deps: SigningDeps, ca: LoadedCa, input: IssueInput, actor: RevocationActor): Promise<SigningCertificate> {
  const { person, holder } = input;
  if (person.status !== 'alive') throw new AppError('forbidden');
  return deps.db.transaction(async (tx) => {
    // Serialises a person's issuances, so the check below holds until commit.
    await tx.query('SELECT 1 FROM persons WHERE id = $1 FOR UPDATE', [person.id]);
    if (holder === 'device') await supersedeDeviceCertificates(tx, deps.clock, person.id, actor);
    const { rows: live } = await tx.query('SELECT 1 FROM signing_certificates WHERE person_id = $1 AND holder = $2 AND revoked_at IS NULL', [person.id, holder]);
    if (live.length > 0) throw new AppError('certificate_exists');
    const key = holder === 'remote' ? await deps.keys.generateKey(tx, 'citizen') : null;
    const publicKey = key?.publicKey ?? input.devicePublicKey;
    if (!publicKey) throw new Error('a device certificate needs the device\'s public key');
    const now = deps.clock.now();
    const caEnd = ca.issuing.certificate.tbsCertificate.validity.notAfter.getTime();
    const notAfter = new Date(Math.min(now.getTime() + deps.settings.certificateDays * 86400 * 1000, caEnd.getTime()));
    const serial = randomSerial();
    const der = await signCertificate(deps.keys, ca.issuing.keyId, citizenTbs({
      serial,
      issuer: ca.issuing.certificate.tbsCertificate.subject,
      subject: citizenSubjectOf(deps, person),
      notBefore: now, notAfter, subjectPublicKey: publicKey, issuerPublicKey: ca.issuing.publicKey,
      urls: deps.settings.urls, policyOid: deps.settings.policyOid,
    }), tx);
    const row = {
      serial: serial.toString('hex'), person_id: person.id, holder, key_id: key?.id ?? null, certificate: der,
      not_before: now, not_after: notAfter, issued_at: now, revoked_at: null, revocation_reason: null,
    };
    await tx.query(
      'INSERT INTO signing_certificates (serial, person_id, holder, key_id, certificate, not_before, not_after, issued_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [row.serial, row.person_id, row.holder, row.key_id, row.certificate, row.not_before, row.not_after, row.issued_at],
    );
    await appendAudit(tx, deps.clock, { ...actor, action: 'signing.certificate.issued', subject: person.id, details: { serial: row.serial, holder, keystore: key ? deps.keys.kind : 'device' } });
    return toCertificate(row);
  });
}
