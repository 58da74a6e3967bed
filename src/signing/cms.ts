// Detached CMS signatures (RFC 5652) at the CAdES-B-B level (ETSI EN 319 122-1 §5.2): the
// signed attributes content-type, message-digest and signing-certificate-v2 (and
// signing-time, except in PAdES, where the PDF's /M carries it). The signer computes the
// signed attributes, has their hash signed remotely (signHash), and assembles the
// SignedData around the signature. Encoded by hand in DER, so the bytes hashed are the
// bytes sent.
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { objectIdentifier, octetString, sequence, signingCertificateV2, tlv } from './der.ts';
import { OID } from './oids.ts';
import { parseCertificate } from './x509.ts';

const SET = 0x31;
const CONTEXT_0 = 0xa0;

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const attribute = (oid: string, value: Buffer) => sequence(objectIdentifier(oid), tlv(SET, value));

// X.690 §11.6: the elements of a DER SET OF are sorted by their encodings.
function derSet(elements: Buffer[]): Buffer {
  return tlv(SET, ...[...elements].sort(Buffer.compare));
}

export interface SignedAttributesInput {
  // SHA-256 of the signed content (the PDF's byte ranges, the document).
  contentDigest: Uint8Array;
  signerCertificate: Uint8Array;
  signingTime?: Date;
}

// The DER SET whose SHA-256 is the hash to sign.
export function cadesSignedAttributes(input: SignedAttributesInput): Buffer {
  const attributes = [
    attribute(OID.contentType, objectIdentifier(OID.data)),
    attribute(OID.messageDigest, octetString(input.contentDigest)),
    attribute(OID.signingCertificateV2, signingCertificateV2(createHash('sha256').update(input.signerCertificate).digest())),
  ];
  if (input.signingTime) attributes.push(attribute(OID.signingTime, utcTime(input.signingTime)));
  return derSet(attributes);
}

export const hashToSign = (signedAttributes: Uint8Array) => createHash('sha256').update(signedAttributes).digest();

export interface SignedDataInput {
  signedAttributes: Buffer;
  // DER Ecdsa-Sig-Value, as signHash returns it.
  signature: Uint8Array;
  signerCertificate: Uint8Array;
  // The rest of the chain, up to (not including) the root.
  chain: Uint8Array[];
}

export function detachedSignedData(input: SignedDataInput): Buffer {
  const signer = parseCertificate(input.signerCertificate).tbsCertificate;
  const sha256 = sequence(objectIdentifier(OID.sha256));
  const signerInfo = sequence(
    tlv(0x02, Buffer.from([1])),
    sequence(Buffer.from(AsnConvert.serialize(signer.issuer)), tlv(0x02, new Uint8Array(signer.serialNumber))),
    sha256,
    // [0] IMPLICIT: the same content as the SET that was hashed, under another tag.
    Buffer.concat([Buffer.from([CONTEXT_0]), input.signedAttributes.subarray(1)]),
    sequence(objectIdentifier(OID.ecdsaWithSha256)),
    octetString(input.signature),
  );
  const signedData = sequence(
    tlv(0x02, Buffer.from([1])),
    tlv(SET, sha256),
    sequence(objectIdentifier(OID.data)),
    tlv(CONTEXT_0, input.signerCertificate, ...input.chain),
    tlv(SET, signerInfo),
  );
  return sequence(objectIdentifier(OID.signedData), tlv(CONTEXT_0, signedData));
}
