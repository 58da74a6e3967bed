// The object identifiers the signing CA uses, in one place, each with where it is defined.
export const OID = {
  // RFC 5480 §2.1.1: id-ecPublicKey, and the P-256 curve (secp256r1 / prime256v1).
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  // RFC 5758 §3.2: ECDSA with SHA-2.
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  // NIST hash algorithms (RFC 5754).
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha1: '1.3.14.3.2.26',
  // ETSI EN 319 412-1 §5.1.2: the natural-person semantics identifier (PNO, IDC, PAS, TIN…).
  semanticsNaturalPerson: '0.4.0.194121.1.1',
  // RFC 3739 §3.2.6.1: QCStatement id-qcs-pkixQCSyntax-v2, which carries the semantics identifier.
  qcsPkixQcSyntaxV2: '1.3.6.1.5.5.7.11.2',
  qcStatements: '1.3.6.1.5.5.7.1.3',
  // RFC 5280 §4.2.2.1: access methods.
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
  // RFC 6960 §4.4.1 and §4.2.1.
  ocspNonce: '1.3.6.1.5.5.7.48.1.2',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  // RFC 5652 §11 and RFC 5035 §3 (ESS signing-certificate-v2, required by CAdES-B-B).
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // X.520 attribute types for names.
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  givenName: '2.5.4.42',
  serialNumber: '2.5.4.5',
} as const;

export type HashName = 'sha256' | 'sha384' | 'sha512';

// The hashes CSC clients may ask for (hashAlgorithmOID), and the ECDSA signature algorithm
// each one gives.
export const HASHES: Record<string, { name: HashName; bytes: number; signatureOid: string }> = {
  [OID.sha256]: { name: 'sha256', bytes: 32, signatureOid: OID.ecdsaWithSha256 },
  [OID.sha384]: { name: 'sha384', bytes: 48, signatureOid: OID.ecdsaWithSha384 },
  [OID.sha512]: { name: 'sha512', bytes: 64, signatureOid: OID.ecdsaWithSha512 },
};
