// PAdES-B-B (ETSI EN 319 142-1) with the citizen's remote key, in two halves around the
// citizen's approval at Hawiya. Before: pdf-lib adds the signature dictionary (subfilter
// ETSI.CAdES.detached) and its placeholder, @signpdf fixes the byte ranges, and the
// portal computes the CAdES signed attributes (RFC 5652 §5.3; EN 319 122-1 §5.2) whose
// SHA-256 Hawiya signs. After: the CMS SignedData around Hawiya's signature goes into the
// placeholder. No signing-time attribute: in PAdES the dictionary's /M carries the time.
import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { childrenOf, explicit, objectIdentifier, octetString, readElement, sequence, setOf, tlv } from '../shared/der.ts';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

// A CMS with two P-256 certificates is about 1.5 KB; the rest is room for a longer chain.
const SIGNATURE_LENGTH = 8192;

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

export interface Appearance {
  // Shown in the signature panel of PDF readers.
  reason: string;
  name: string;
  location: string;
}

export interface PreparedSignature {
  // The PDF with its empty signature, ready for the CMS.
  pdf: Uint8Array;
  // The DER SET of signed attributes, and its SHA-256: the hash Hawiya signs.
  signedAttributes: Uint8Array;
  hashToSign: Uint8Array;
}

// Runs @signpdf's byte-range step, handing the CMS it gets from `cms` the signed bytes.
class CmsSigner extends Signer {
  readonly #cms: (signedBytes: Buffer) => Uint8Array;
  constructor(cms: (signedBytes: Buffer) => Uint8Array) {
    super();
    this.#cms = cms;
  }
  override async sign(signedBytes: Buffer): Promise<Buffer> {
    return Buffer.from(this.#cms(signedBytes));
  }
}

const attribute = (oid: string, value: Uint8Array) => sequence(objectIdentifier(oid), setOf([value]));

// content-type, message-digest and signing-certificate-v2 (RFC 5035: ESSCertIDv2 with
// the certificate's SHA-256, the default algorithm, left out).
function signedAttributes(contentDigest: Uint8Array, signerCertificate: Uint8Array): Uint8Array {
  return setOf([
    attribute(OID.contentType, objectIdentifier(OID.data)),
    attribute(OID.messageDigest, octetString(contentDigest)),
    attribute(OID.signingCertificateV2, sequence(sequence(sequence(octetString(sha256(signerCertificate)))))),
  ]);
}

export async function prepareSignature(pdf: Uint8Array, appearance: Appearance, signerCertificate: Uint8Array): Promise<PreparedSignature> {
  const document = await PDFDocument.load(pdf);
  pdflibAddPlaceholder({
    pdfDoc: document, reason: appearance.reason, name: appearance.name, location: appearance.location, contactInfo: '',
    signatureLength: SIGNATURE_LENGTH, subFilter: SUBFILTER_ETSI_CADES_DETACHED, appName: 'Citizen portal',
  });
  // No object streams: @signpdf finds the placeholder in the file's text.
  const prepared = await document.save({ useObjectStreams: false });
  let attributes: Uint8Array | undefined;
  // The byte ranges are a function of the file alone, so this dry run sees the bytes the
  // real one will; its empty CMS is thrown away.
  await new SignPdf().sign(Buffer.from(prepared), new CmsSigner((signedBytes) => {
    attributes = signedAttributes(sha256(signedBytes), signerCertificate);
    return new Uint8Array(0);
  }));
  return { pdf: prepared, signedAttributes: attributes!, hashToSign: sha256(attributes!) };
}

// The issuer Name and serialNumber INTEGER of a certificate, as DER (RFC 5280 §4.1).
function issuerAndSerial(certificate: Uint8Array): Uint8Array {
  const tbs = childrenOf(childrenOf(readElement(certificate))[0]!);
  // tbsCertificate: [0] version, serialNumber, signature, issuer, …
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  return sequence(fields[2]!.bytes, fields[0]!.bytes);
}

export interface SignatureInput {
  prepared: PreparedSignature;
  // DER Ecdsa-Sig-Value, as signHash returns it.
  signature: Uint8Array;
  signerCertificate: Uint8Array;
  // The rest of the chain, up to (not including) the root.
  chain: Uint8Array[];
}

function detachedSignedData(input: SignatureInput): Uint8Array {
  const algorithm = sequence(objectIdentifier(OID.sha256));
  const signerInfo = sequence(
    tlv(0x02, Uint8Array.of(1)),
    issuerAndSerial(input.signerCertificate),
    algorithm,
    // [0] IMPLICIT: the SET that was hashed, under another tag (RFC 5652 §5.4).
    explicit(0, readElement(input.prepared.signedAttributes).content),
    sequence(objectIdentifier(OID.ecdsaWithSha256)),
    octetString(input.signature),
  );
  const signedData = sequence(
    tlv(0x02, Uint8Array.of(1)),
    setOf([algorithm]),
    sequence(objectIdentifier(OID.data)),
    explicit(0, input.signerCertificate, ...input.chain),
    setOf([signerInfo]),
  );
  return sequence(objectIdentifier(OID.signedData), explicit(0, signedData));
}

// The signed PDF. Fails if the file's signed bytes are not the ones prepared.
export async function completeSignature(input: SignatureInput): Promise<Buffer> {
  return new SignPdf().sign(Buffer.from(input.prepared.pdf), new CmsSigner((signedBytes) => {
    const expected = signedAttributes(sha256(signedBytes), input.signerCertificate);
    if (Buffer.compare(Buffer.from(expected), Buffer.from(input.prepared.signedAttributes)) !== 0) throw new Error('the PDF changed since its hash was approved');
    return detachedSignedData(input);
  }));
}
