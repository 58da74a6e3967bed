// Certificate revocation lists (RFC 5280 §5). Each CA's CRL is signed again on every
// revocation, in the revocation's transaction, so it never lags; and when half of its
// validity has passed, so a verifier never holds an expired one. CRL numbers grow by one
// under the CA row's lock.
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, CertificateList, CRLNumber, CRLReason, CRLReasons, KeyIdentifier, RevokedCertificate,
  TBSCertList, Time, Version, id_ce_authorityKeyIdentifier, id_ce_cRLNumber, id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import type { Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import { algorithm, extension, keyIdentifier, signDer } from './x509.ts';
import { OID } from './oids.ts';
import type { LoadedCa } from './ca.ts';
import type { CaRole, RevocationReason, SigningDeps } from './signing-deps.ts';

// RFC 5280 §5.3.1: unspecified is said by leaving the reason out.
export const CRL_REASON: Record<RevocationReason, number | undefined> = {
  unspecified: undefined,
  key_compromise: CRLReasons.keyCompromise,
  superseded: CRLReasons.superseded,
  cessation_of_operation: CRLReasons.cessationOfOperation,
  privilege_withdrawn: CRLReasons.privilegeWithdrawn,
};

interface RevokedRow {
  serial: string;
  revoked_at: Date;
  revocation_reason: RevocationReason;
  [column: string]: unknown;
}

function revokedEntry(row: RevokedRow): RevokedCertificate {
  const code = CRL_REASON[row.revocation_reason];
  return new RevokedCertificate({
    userCertificate: new Uint8Array(Buffer.from(row.serial.length % 2 ? `0${row.serial}` : row.serial, 'hex')).buffer,
    revocationDate: new Time(row.revoked_at),
    ...(code === undefined ? {} : { crlEntryExtensions: [extension(id_ce_cRLReasons, false, new CRLReason(code))] }),
  });
}

export async function issueCrl(tx: Queryable, deps: Pick<SigningDeps, 'clock' | 'keys' | 'settings'>, ca: LoadedCa, role: CaRole): Promise<Buffer> {
  await tx.query('SELECT 1 FROM signing_cas WHERE role = $1 FOR UPDATE', [role]);
  const { rows: last } = await tx.query<{ number: string | number | null }>('SELECT MAX(number) AS number FROM signing_crls WHERE issuer = $1', [role]);
  const number = Number(last[0]?.number ?? 0) + 1;
  const now = deps.clock.now();
  const nextUpdate = new Date(now.getTime() + deps.settings.crlHours * 3600 * 1000);
  // Only the issuing CA revokes citizens' certificates; an expired certificate may leave
  // the list (RFC 5280 §3.3).
  const { rows: revoked } = role === 'issuing'
    ? await tx.query<RevokedRow>('SELECT serial, revoked_at, revocation_reason FROM signing_certificates WHERE revoked_at IS NOT NULL AND not_after > $1 ORDER BY revoked_at, serial', [now])
    : { rows: [] as RevokedRow[] };
  const member = ca[role];
  const tbs = new TBSCertList({
    version: Version.v2,
    signature: algorithm(OID.ecdsaWithSha256),
    issuer: member.certificate.tbsCertificate.subject,
    thisUpdate: new Time(now),
    nextUpdate: new Time(nextUpdate),
    ...(revoked.length > 0 ? { revokedCertificates: revoked.map(revokedEntry) } : {}),
    crlExtensions: [
      extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier(member.publicKey)) })),
      extension(id_ce_cRLNumber, false, new CRLNumber(number)),
    ],
  });
  const signature = await signDer(deps.keys, member.keyId, AsnConvert.serialize(tbs), tx);
  const der = Buffer.from(AsnConvert.serialize(new CertificateList({ tbsCertList: tbs, signatureAlgorithm: algorithm(OID.ecdsaWithSha256), signature })));
  await tx.query('INSERT INTO signing_crls (issuer, number, this_update, next_update, der) VALUES ($1, $2, $3, $4, $5)', [role, number, now, nextUpdate, der]);
  return der;
}

// The CRL to serve: the newest, unless a revocation came after it or half of its
// validity is gone; then a new one.
export async function currentCrl(deps: Pick<SigningDeps, 'db' | 'clock' | 'keys' | 'settings'>, ca: LoadedCa, role: CaRole): Promise<Buffer> {
  const { rows } = await deps.db.query<{ der: unknown; this_update: Date; next_update: Date; last_revocation: Date | null }>(
    `SELECT der, this_update, next_update,
            (SELECT MAX(revoked_at) FROM signing_certificates WHERE revoked_at IS NOT NULL AND $2 = 'issuing') AS last_revocation
       FROM signing_crls WHERE issuer = $1 ORDER BY number DESC LIMIT 1`, [role, role],
  );
  const latest = rows[0];
  const now = deps.clock.now().getTime();
  const fresh = latest && now < (latest.this_update.getTime() + latest.next_update.getTime()) / 2
    && (latest.last_revocation === null || latest.last_revocation < latest.this_update);
  if (latest && fresh) return toBuffer(latest.der);
  return deps.db.transaction((tx) => issueCrl(tx, deps, ca, role));
}
