// The national signing CA: `hawiya ca init` makes a root CA and an issuing CA, each with
// its key in the keystore, and their first CRLs, in one transaction with its audit
// record. The issuing CA signs citizens' certificates, its CRL and OCSP responses.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { toBuffer } from '../db/db.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Certificate } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { caSubject, issuingCaTbs, rootCaTbs } from './certificate-profile.ts';
import { parseCertificate, randomSerial, serialHex, signCertificate } from './x509.ts';
import { issueCrl } from './crl.ts';
import type { CaRole, SigningDeps } from './signing-deps.ts';

const CA_LOCK = 0x7369676e; // "sign"
const ROOT_YEARS = 20;
const ISSUING_YEARS = 10;

export interface CaMember {
  role: CaRole;
  keyId: string;
  der: Buffer;
  certificate: Certificate;
  // DER SubjectPublicKeyInfo, and the SHA-1 of its key bits and of the subject name, as
  // OCSP CertIDs name an issuer (RFC 6960 §4.1.1).
  publicKey: Buffer;
  nameDer: Buffer;
}

export interface LoadedCa {
  root: CaMember;
  issuing: CaMember;
}

export class CaAlreadyExists extends Error {
  override name = 'CaAlreadyExists';
}

const addYears = (date: Date, years: number) => new Date(Date.UTC(date.getUTCFullYear() + years, date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()));

export async function initCa(deps: SigningDeps, actor: string): Promise<LoadedCa> {
  const { settings } = deps;
  await deps.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CA_LOCK]);
    const { rows } = await tx.query('SELECT role FROM signing_cas');
    if (rows.length > 0) throw new CaAlreadyExists('the signing CA exists already');
    const now = deps.clock.now();
    const rootKey = await deps.keys.generateKey(tx, 'root_ca');
    const rootSubject = caSubject(settings.country, settings.organisation, `${settings.organisation} Root CA`);
    const rootDer = await signCertificate(deps.keys, rootKey.id, rootCaTbs({
      serial: randomSerial(), subject: rootSubject, notBefore: now, notAfter: addYears(now, ROOT_YEARS), subjectPublicKey: rootKey.publicKey,
    }), tx);
    const issuingKey = await deps.keys.generateKey(tx, 'issuing_ca');
    const issuingDer = await signCertificate(deps.keys, rootKey.id, issuingCaTbs({
      serial: randomSerial(), issuer: rootSubject, subject: caSubject(settings.country, settings.organisation, `${settings.organisation} Signing CA 1`),
      notBefore: now, notAfter: addYears(now, ISSUING_YEARS), subjectPublicKey: issuingKey.publicKey, issuerPublicKey: rootKey.publicKey,
      urls: settings.urls, policyOid: settings.policyOid,
    }), tx);
    await tx.query('INSERT INTO signing_cas (role, key_id, certificate, created_at) VALUES ($1, $2, $3, $4), ($5, $6, $7, $4)', ['root', rootKey.id, rootDer, now, 'issuing', issuingKey.id, issuingDer]);
    const ca = { root: member('root', rootKey.id, rootDer), issuing: member('issuing', issuingKey.id, issuingDer) };
    await issueCrl(tx, deps, ca, 'root');
    await issueCrl(tx, deps, ca, 'issuing');
    await appendAudit(tx, deps.clock, {
      actor, action: 'signing.ca.created',
      details: { keystore: deps.keys.kind, root: serialHex(ca.root.certificate.tbsCertificate.serialNumber), issuing: serialHex(ca.issuing.certificate.tbsCertificate.serialNumber) },
    });
  });
  const loaded = await loadCa(deps.db);
  if (!loaded) throw new Error('the signing CA vanished after it was made');
  return loaded;
}

function member(role: CaRole, keyId: string, der: Buffer): CaMember {
  const certificate = parseCertificate(der);
  const spki = certificate.tbsCertificate.subjectPublicKeyInfo;
  return {
    role, keyId, der, certificate,
    publicKey: Buffer.from(AsnConvert.serialize(spki)),
    nameDer: Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.subject)),
  };
}

export async function loadCa(db: Queryable): Promise<LoadedCa | null> {
  const { rows } = await db.query<{ role: CaRole; key_id: string; certificate: unknown }>('SELECT role, key_id, certificate FROM signing_cas');
  const root = rows.find((row) => row.role === 'root');
  const issuing = rows.find((row) => row.role === 'issuing');
  if (!root || !issuing) return null;
  return { root: member('root', root.key_id, toBuffer(root.certificate)), issuing: member('issuing', issuing.key_id, toBuffer(issuing.certificate)) };
}

// The SHA-1 of the key bits, as RFC 6960 §4.1.1 issuerKeyHash and ResponderID byKey use.
export function publicKeyHash(ca: CaMember, algorithm = 'sha1'): Buffer {
  return createHash(algorithm).update(Buffer.from(ca.certificate.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest();
}
