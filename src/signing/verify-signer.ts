// The checks every signature format shares, on the signer's certificate:
//   chain                issued by our issuing CA, which our root issued (signatures checked)
//   validityAtSigningTime  the signing time within the certificate's validity
//   revocation           not revoked. At the B-B level nothing proves when a signature was
//                        made (no time-stamp), so a revoked certificate fails whatever time
//                        the signature claims (EN 319 102-1 §5.6.2.4, no proof of existence)
//   keyUsage             nonRepudiation, the one use of our signing certificates
// and the signer as the certificate names them: name, e-ID (from PNO<CC>-<e-ID>).
import { X509Certificate, KeyUsagesExtension, KeyUsageFlags } from '@peculiar/x509';
import type { Queryable } from '../db/db.ts';
import type { LoadedCa } from './ca.ts';
import { findCertificate } from './certificates.ts';
import { OID } from './oids.ts';

export type CheckResult = 'passed' | 'failed';

export interface SignerChecks {
  chain: CheckResult;
  validityAtSigningTime: CheckResult;
  revocation: CheckResult;
  keyUsage: CheckResult;
}

export interface Signer {
  name: string;
  givenName: string | null;
  surname: string | null;
  eid: string | null;
  serialNumber: string | null;
  certificateSerial: string;
}

export interface SignerVerdict {
  signer: Signer;
  checks: SignerChecks;
  revokedAt: Date | null;
}

// A copy on its own ArrayBuffer, as @peculiar/x509 wants.
const bytes = (der: Uint8Array) => new Uint8Array(der);

const pass = (ok: boolean): CheckResult => (ok ? 'passed' : 'failed');

async function issuedBy(certificate: X509Certificate, issuer: X509Certificate): Promise<boolean> {
  if (certificate.issuer !== issuer.subject) return false;
  try {
    return await certificate.verify({ publicKey: issuer.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

function signerOf(certificate: X509Certificate): Signer {
  const field = (oid: string) => certificate.subjectName.getField(oid)[0] ?? null;
  const serialNumber = field(OID.serialNumber);
  const eid = /^PNO[A-Z]{2}-(.+)$/.exec(serialNumber ?? '')?.[1] ?? null;
  return {
    name: field(OID.commonName) ?? certificate.subject,
    givenName: field(OID.givenName),
    surname: field(OID.surname),
    eid,
    serialNumber,
    certificateSerial: certificate.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
  };
}

// Our own CA's two certificates, parsed and checked once per loaded CA: only the
// signer's certificate changes from one verification to the next.
const caChains = new WeakMap<LoadedCa, Promise<{ issuing: X509Certificate; sound: boolean }>>();

function caChain(ca: LoadedCa) {
  let chain = caChains.get(ca);
  if (!chain) {
    const issuing = new X509Certificate(bytes(ca.issuing.der));
    const root = new X509Certificate(bytes(ca.root.der));
    chain = (async () => ({ issuing, sound: (await issuedBy(issuing, root)) && (await issuedBy(root, root)) }))();
    caChains.set(ca, chain);
  }
  return chain;
}

export async function checkSigner(db: Queryable, ca: LoadedCa, signerDer: Uint8Array, signingTime: Date): Promise<SignerVerdict> {
  const certificate = new X509Certificate(bytes(signerDer));
  const { issuing, sound } = await caChain(ca);
  const chain = sound && (await issuedBy(certificate, issuing));
  const usage = certificate.getExtension(KeyUsagesExtension);
  const signer = signerOf(certificate);
  const record = chain ? await findCertificate(db, signer.certificateSerial) : null;
  return {
    signer,
    revokedAt: record?.revokedAt ?? null,
    checks: {
      chain: pass(chain),
      validityAtSigningTime: pass(certificate.notBefore <= signingTime && signingTime < certificate.notAfter),
      // A certificate of our CA that our register does not hold was never issued by us.
      revocation: pass(record !== null && record.revokedAt === null),
      keyUsage: pass(usage !== null && usage.critical && usage.usages === KeyUsageFlags.nonRepudiation),
    },
  };
}
