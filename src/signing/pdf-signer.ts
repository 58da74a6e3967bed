// PAdES-B-B (ETSI EN 319 142-1) with the citizen's remote key: pdf-lib adds the signature
// dictionary (subfilter ETSI.CAdES.detached) and its placeholder, @signpdf computes the
// byte ranges, and our signer builds the CAdES signed attributes, has their hash signed
// through signHash, and returns the CMS. No signing-time attribute: in PAdES the
// dictionary's /M carries the time (EN 319 142-1 §5.4.1).
import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { cadesSignedAttributes, detachedSignedData, hashToSign } from './cms.ts';

// A CMS with two P-256 certificates is about 1.5 KB; the rest is room for a longer chain.
const SIGNATURE_LENGTH = 8192;

export interface SignatureAppearance {
  // Shown in the signature panel of PDF readers.
  reason: string;
  name: string;
  location: string;
  contactInfo?: string;
  signingTime?: Date;
}

export async function addSignaturePlaceholder(pdf: Uint8Array, appearance: SignatureAppearance): Promise<Buffer> {
  const document = await PDFDocument.load(pdf);
  pdflibAddPlaceholder({
    pdfDoc: document,
    reason: appearance.reason,
    name: appearance.name,
    location: appearance.location,
    contactInfo: appearance.contactInfo ?? '',
    ...(appearance.signingTime ? { signingTime: appearance.signingTime } : {}),
    signatureLength: SIGNATURE_LENGTH,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Hawiya',
  });
  // No object streams: @signpdf finds the placeholder in the file's text.
  return Buffer.from(await document.save({ useObjectStreams: false }));
}

export interface RemoteKey {
  certificate: Uint8Array;
  // The certificates between it and the root.
  chain: Uint8Array[];
  // Has the hash signed by the citizen's key (CSC signHash), DER ECDSA.
  signHash(hash: Buffer): Promise<Uint8Array>;
}

export class RemoteCadesSigner extends Signer {
  readonly #key: RemoteKey;

  constructor(key: RemoteKey) {
    super();
    this.#key = key;
  }

  override async sign(signedBytes: Buffer): Promise<Buffer> {
    const signedAttributes = cadesSignedAttributes({ contentDigest: createHash('sha256').update(signedBytes).digest(), signerCertificate: this.#key.certificate });
    const signature = await this.#key.signHash(hashToSign(signedAttributes));
    return detachedSignedData({ signedAttributes, signature, signerCertificate: this.#key.certificate, chain: this.#key.chain });
  }
}

export async function signPdf(pdfWithPlaceholder: Uint8Array, key: RemoteKey): Promise<Buffer> {
  return new SignPdf().sign(Buffer.from(pdfWithPlaceholder), new RemoteCadesSigner(key));
}
