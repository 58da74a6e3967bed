// The certificate profiles of the national signing CA:
//   root CA      self-signed, cA, keyCertSign + cRLSign
//   issuing CA   cA with pathLen 0, keyCertSign + cRLSign + digitalSignature (it signs the
//                OCSP responses itself, RFC 6960 §4.2.2.2), the root's CRL and certificate
//   citizen      ETSI EN 319 412-2 natural person: C, GN, SN, CN and serialNumber
//                PNO<CC>-<e-ID> (EN 319 412-1 §5.1.3); keyUsage critical, nonRepudiation
//                only; our certificate policy; the natural-person semantics identifier in a
//                QCStatement; AIA (OCSP, issuer certificate) and CRL distribution points
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AccessDescription, AuthorityInfoAccessSyntax, Extensions, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies,
  CRLDistributionPoints, DistributionPoint, DistributionPointName, GeneralName, KeyIdentifier, KeyUsage, KeyUsageFlags,
  Name, PolicyInformation, SubjectKeyIdentifier, TBSCertificate, Validity, Version,
  id_ce_authorityKeyIdentifier, id_ce_basicConstraints, id_ce_certificatePolicies, id_ce_cRLDistributionPoints,
  id_ce_keyUsage, id_ce_subjectKeyIdentifier, id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import { QCStatement, QCStatements, SemanticsInformation } from '@peculiar/asn1-x509-qualified';
import { OID } from './oids.ts';
import { algorithm, distinguishedName, extension, keyIdentifier, parseSpki, type NameEntry } from './x509.ts';

export interface CaUrls {
  // Where the issuing CA's certificate, CRL and OCSP responder are published.
  issuingCertificate: string;
  issuingCrl: string;
  rootCertificate: string;
  rootCrl: string;
  ocsp: string;
}

export function caUrls(issuer: string): CaUrls {
  const base = `${issuer.replace(/\/$/, '')}/ca`;
  return { issuingCertificate: `${base}/issuing.crt`, issuingCrl: `${base}/issuing.crl`, rootCertificate: `${base}/root.crt`, rootCrl: `${base}/root.crl`, ocsp: `${base}/ocsp` };
}

export interface Holder {
  country: string;
  givenName: string;
  surname: string;
  eid: string;
}

// EN 319 412-1 §5.1.3: "PNO" + ISO 3166 country code + "-" + the national personal number.
export const semanticsSerialNumber = (country: string, eid: string) => `PNO${country}-${eid}`;

export function citizenSubject(holder: Holder): Name {
  const entries: NameEntry[] = [
    [OID.countryName, holder.country],
    [OID.givenName, holder.givenName],
    [OID.surname, holder.surname],
    [OID.commonName, `${holder.givenName} ${holder.surname}`],
    [OID.serialNumber, semanticsSerialNumber(holder.country, holder.eid)],
  ];
  return distinguishedName(entries);
}

export const caSubject = (country: string, organisation: string, commonName: string) =>
  distinguishedName([[OID.countryName, country], [OID.organizationName, organisation], [OID.commonName, commonName]]);

const uri = (value: string) => new GeneralName({ uniformResourceIdentifier: value });
const keyUsage = (flags: number) => extension(id_ce_keyUsage, true, new KeyUsage(flags));
const subjectKeyId = (spki: Uint8Array) => extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki)));
const authorityKeyId = (issuerSpki: Uint8Array) => extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyIdentifier(issuerSpki)) }));
const crlDistribution = (url: string) => extension(id_ce_cRLDistributionPoints, false, new CRLDistributionPoints([
  new DistributionPoint({ distributionPoint: new DistributionPointName({ fullName: [uri(url)] }) }),
]));
const policies = (policyOid: string) => extension(id_ce_certificatePolicies, false, new CertificatePolicies([new PolicyInformation({ policyIdentifier: policyOid })]));

interface TbsInput {
  serial: Uint8Array;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKey: Uint8Array;
}

function tbs(input: TbsInput, extensions: ReturnType<typeof extension>[]): TBSCertificate {
  return new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(input.serial).buffer,
    signature: algorithm(OID.ecdsaWithSha256),
    issuer: input.issuer,
    validity: new Validity({ notBefore: input.notBefore, notAfter: input.notAfter }),
    subject: input.subject,
    subjectPublicKeyInfo: parseSpki(input.subjectPublicKey),
    extensions: new Extensions(extensions),
  });
}

export function rootCaTbs(input: Omit<TbsInput, 'issuer'>): TBSCertificate {
  return tbs({ ...input, issuer: input.subject }, [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true })),
    keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign),
    subjectKeyId(input.subjectPublicKey),
  ]);
}

export function issuingCaTbs(input: TbsInput & { issuerPublicKey: Uint8Array; urls: CaUrls; policyOid: string }): TBSCertificate {
  return tbs(input, [
    extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: true, pathLenConstraint: 0 })),
    keyUsage(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature),
    subjectKeyId(input.subjectPublicKey),
    authorityKeyId(input.issuerPublicKey),
    policies(input.policyOid),
    extension(id_pe_authorityInfoAccess, false, new AuthorityInfoAccessSyntax([new AccessDescription({ accessMethod: OID.caIssuers, accessLocation: uri(input.urls.rootCertificate) })])),
    crlDistribution(input.urls.rootCrl),
  ]);
}

// RFC 3739 §3.2.6.1 and EN 319 412-1 §5.1: the semantics identifier says how to read the
// subject's serialNumber.
function naturalPersonStatement() {
  const info = new SemanticsInformation({ semanticsIdentifier: OID.semanticsNaturalPerson });
  const statement = new QCStatement();
  statement.statementId = OID.qcsPkixQcSyntaxV2;
  statement.statementInfo = AsnConvert.serialize(info);
  return extension(OID.qcStatements, false, new QCStatements([statement]));
}

export function citizenTbs(input: TbsInput & { issuerPublicKey: Uint8Array; urls: CaUrls; policyOid: string }): TBSCertificate {
  return tbs(input, [
    keyUsage(KeyUsageFlags.nonRepudiation),
    policies(input.policyOid),
    naturalPersonStatement(),
    subjectKeyId(input.subjectPublicKey),
    authorityKeyId(input.issuerPublicKey),
    extension(id_pe_authorityInfoAccess, false, new AuthorityInfoAccessSyntax([
      new AccessDescription({ accessMethod: OID.ocsp, accessLocation: uri(input.urls.ocsp) }),
      new AccessDescription({ accessMethod: OID.caIssuers, accessLocation: uri(input.urls.issuingCertificate) }),
    ])),
    crlDistribution(input.urls.issuingCrl),
  ]);
}
