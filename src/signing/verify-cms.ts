// Verifying a detached CMS signature (CAdES-B-B, and the CMS inside a PAdES signature):
//   integrity  the message-digest attribute is the digest of the data, and the signature
//              over the signed attributes verifies with the signer's key; the
//              signing-certificate-v2 attribute, when present, names that certificate
// then the signer's certificate checks (verify-signer.ts), at the signing-time attribute's
// time, or at the time the caller gives (a PDF's /M), or now.
import { createHash, verify } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData, id_signedData } from '@peculiar/asn1-cms';
import { Time } from '@peculiar/asn1-x509';
import type { Queryable } from '../db/db.ts';
import type { LoadedCa } from './ca.ts';
import { checkSigner, type CheckResult, type SignerChecks, type Signer } from './verify-signer.ts';
import { HASHES, OID } from './oids.ts';
import { serialHex } from './x509.ts';
import { signingCertificateV2, tlv } from './der.ts';

export interface VerificationResult {
  valid: boolean;
  signer: Signer | null;
  signingTime: string | null;
  checks: { integrity: CheckResult } & Partial<SignerChecks>;
  problem?: string;
}

export class MalformedSignature extends Error {
  override name = 'MalformedSignature';
}

const SIGNER_CHECKS = ['chain', 'validityAtSigningTime', 'revocation', 'keyUsage'] as const;

// Valid only when the signature is intact and every check of its signer passed.
export function verdict(integrity: boolean, rest: Omit<VerificationResult, 'valid' | 'checks'> & { checks?: Partial<SignerChecks> }): VerificationResult {
  const checks = { integrity: integrity ? 'passed' as const : 'failed' as const, ...rest.checks };
  return { ...rest, checks, valid: integrity && SIGNER_CHECKS.every((name) => checks[name] === 'passed') };
}

function parseSignedData(der: Uint8Array): SignedData {
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== id_signedData) throw new MalformedSignature('not a CMS SignedData');
    return AsnConvert.parse(info.content, SignedData);
  } catch (err) {
    if (err instanceof MalformedSignature) throw err;
    throw new MalformedSignature('signature: not a DER CMS ContentInfo');
  }
}

const attributeValue = (attributes: Array<{ attrType: string; attrValues: ArrayBuffer[] }>, oid: string) => attributes.find((each) => each.attrType === oid)?.attrValues[0];

export async function verifyCms(deps: { db: Queryable; clock: { now(): Date } }, ca: LoadedCa, cmsDer: Uint8Array, data: Uint8Array, options: { signingTime?: Date } = {}): Promise<VerificationResult> {
  const signedData = parseSignedData(cmsDer);
  const signerInfo = signedData.signerInfos[0];
  const sid = signerInfo?.sid.issuerAndSerialNumber;
  if (!signerInfo || !sid || !signerInfo.signedAttrs) throw new MalformedSignature('signature: one signer with signed attributes and an issuer and serial number is expected');
  const serial = serialHex(sid.serialNumber);
  const certificates = (signedData.certificates ?? []).flatMap((choice) => (choice.certificate ? [choice.certificate] : []));
  const signerCertificate = certificates.find((each) => serialHex(each.tbsCertificate.serialNumber) === serial);
  if (!signerCertificate) throw new MalformedSignature('signature: the signer\'s certificate is not included');
  const signerDer = Buffer.from(AsnConvert.serialize(signerCertificate));

  const attributes = signerInfo.signedAttrs;
  const hash = HASHES[signerInfo.digestAlgorithm.algorithm]?.name;
  const messageDigest = attributeValue(attributes, OID.messageDigest);
  const digestMatches = hash !== undefined && messageDigest !== undefined
    && Buffer.from(AsnConvert.parse(messageDigest, OctetString).buffer).equals(createHash(hash).update(data).digest());
  // The signature is over the signed attributes as a DER SET (RFC 5652 §5.4): each
  // attribute encoded again, in the order received (a DER signer sent them sorted).
  const signedBytes = tlv(0x31, ...attributes.map((each) => new Uint8Array(AsnConvert.serialize(each))));
  const signatureHash = HASHES[signerInfo.digestAlgorithm.algorithm]?.name ?? 'sha256';
  let signatureOk = false;
  try {
    signatureOk = verify(signatureHash, signedBytes, { key: Buffer.from(AsnConvert.serialize(signerCertificate.tbsCertificate.subjectPublicKeyInfo)), format: 'der', type: 'spki' }, Buffer.from(signerInfo.signature.buffer));
  } catch {
    signatureOk = false;
  }
  const essCert = attributeValue(attributes, OID.signingCertificateV2);
  const essOk = essCert === undefined || Buffer.from(essCert).equals(signingCertificateV2(createHash('sha256').update(signerDer).digest()));

  const claimed = attributeValue(attributes, OID.signingTime);
  const signingTime = options.signingTime ?? (claimed ? AsnConvert.parse(claimed, Time).getTime() : deps.clock.now());
  const { signer, checks } = await checkSigner(deps.db, ca, signerDer, signingTime);
  return verdict(digestMatches && signatureOk && essOk, { signer, signingTime: signingTime.toISOString(), checks });
}

