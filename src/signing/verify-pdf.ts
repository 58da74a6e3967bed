// Verifying a signed PDF (PAdES-B-B, ISO 32000-1 §12.8): the last signature dictionary's
// ByteRange must cover the whole file but the signature's own /Contents; the CMS in
// /Contents must verify over those bytes (verify-cms.ts), at the signing time of /M.
import type { Queryable } from '../db/db.ts';
import type { LoadedCa } from './ca.ts';
import { MalformedSignature, verdict, verifyCms, type VerificationResult } from './verify-cms.ts';

interface PdfSignature {
  byteRange: [number, number, number, number];
  contents: Buffer;
  signedBytes: Buffer;
  signingTime: Date | undefined;
}

// The DER value's own length, so the zero padding of /Contents is left out.
function derLength(bytes: Buffer): number {
  if (bytes[0] !== 0x30) throw new MalformedSignature('document: /Contents does not hold a DER CMS');
  const first = bytes[1]!;
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  return 2 + count + bytes.subarray(2, 2 + count).reduce((total, byte) => total * 256 + byte, 0);
}

// D:YYYYMMDDHHmmSS with an offset (ISO 32000-1 §7.9.4).
function pdfDate(text: string | undefined): Date | undefined {
  const match = /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(text ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, , sign, oh, om] = match;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60000 : 0;
  return new Date(utc - offset);
}

export function lastSignature(pdf: Buffer): PdfSignature {
  const at = pdf.lastIndexOf('/ByteRange');
  if (at < 0) throw new MalformedSignature('document: no signature in this PDF');
  const match = /^\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(pdf.subarray(at, at + 120).toString('latin1'));
  if (!match) throw new MalformedSignature('document: the signature\'s /ByteRange cannot be read');
  const byteRange = match.slice(1, 5).map(Number) as PdfSignature['byteRange'];
  const [start, first, second, last] = byteRange;
  if (start !== 0 || first >= second || second + last > pdf.length) throw new MalformedSignature('document: the signature\'s /ByteRange is not within the file');
  const hex = pdf.subarray(first, second).toString('latin1').replace(/^<|>$/g, '');
  const contents = Buffer.from(hex, 'hex');
  const dictionary = pdf.subarray(Math.max(0, pdf.lastIndexOf('<<', first)), Math.min(pdf.length, second + 2000)).toString('latin1');
  return {
    byteRange,
    contents: contents.subarray(0, derLength(contents)),
    signedBytes: Buffer.concat([pdf.subarray(0, first), pdf.subarray(second, second + last)]),
    signingTime: pdfDate(/\/M\s*\((D:[^)]+)\)/.exec(dictionary)?.[1]),
  };
}

export async function verifyPdf(deps: { db: Queryable; clock: { now(): Date } }, ca: LoadedCa, pdf: Buffer): Promise<VerificationResult> {
  const signature = lastSignature(pdf);
  const result = await verifyCms(deps, ca, signature.contents, signature.signedBytes, signature.signingTime ? { signingTime: signature.signingTime } : {});
  // Bytes after the signed ranges were added after signing (an incremental update): what
  // was signed is not the whole document shown.
  const [, , second, last] = signature.byteRange;
  const wholeFile = second + last === pdf.length;
  return wholeFile ? result : verdict(false, { signer: result.signer, signingTime: result.signingTime, checks: withoutIntegrity(result), problem: 'the document was changed after it was signed' });
}

function withoutIntegrity(result: VerificationResult) {
  const { integrity: _integrity, ...rest } = result.checks;
  return rest;
}
