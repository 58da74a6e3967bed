// The few DER encodings the ASN.1 libraries do not give us ready-made: ECDSA signature
// values, a P-256 SubjectPublicKeyInfo from a raw point, and the ESS structures of CAdES.
// X.690 §8 and §10.
import { OID } from './oids.ts';

function encodedLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...content: Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodedLength(body.length), body]);
}

export const sequence = (...parts: Uint8Array[]) => tlv(0x30, ...parts);
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);

export function objectIdentifier(oid: string): Buffer {
  const [first = 0, second = 0, ...rest] = oid.split('.').map(Number);
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const group = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128)) group.unshift((value & 0x7f) | 0x80);
    bytes.push(...group);
  }
  return tlv(0x06, Buffer.from(bytes));
}

// An unsigned big-endian number as a DER INTEGER: no leading zeros, and a zero byte
// before a high bit so it stays positive.
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.subarray(start));
  return tlv(0x02, trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

// RFC 3279 §2.2.3: Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, from the r‖s that
// PKCS#11 and raw ECDSA give.
export function ecdsaSignatureDer(raw: Uint8Array): Buffer {
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

// RFC 5480 §2: the SubjectPublicKeyInfo of a P-256 key from its uncompressed point.
export function p256SubjectPublicKeyInfo(point: Uint8Array): Buffer {
  return sequence(sequence(objectIdentifier(OID.ecPublicKey), objectIdentifier(OID.p256)), tlv(0x03, Buffer.from([0]), point));
}

// RFC 5035 §5.4: SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, with
// ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING } (hashAlgorithm defaults to SHA-256).
export function signingCertificateV2(certificateSha256: Uint8Array): Buffer {
  return sequence(sequence(sequence(octetString(certificateSha256))));
}

// The other way: r‖s of `size` bytes each from an Ecdsa-Sig-Value, as JWS (RFC 7518
// §3.4) and WebCrypto want it.
export function ecdsaSignatureRaw(der: Uint8Array, size = 32): Buffer {
  const bytes = Buffer.from(der);
  let offset = bytes[1]! & 0x80 ? 2 + (bytes[1]! & 0x7f) : 2;
  const parts: Buffer[] = [];
  for (let i = 0; i < 2; i++) {
    if (bytes[offset] !== 0x02) throw new Error('not an Ecdsa-Sig-Value');
    const length = bytes[offset + 1]!;
    let value = bytes.subarray(offset + 2, offset + 2 + length);
    while (value.length > size && value[0] === 0) value = value.subarray(1);
    parts.push(Buffer.concat([Buffer.alloc(size - value.length), value]));
    offset += 2 + length;
  }
  return Buffer.concat(parts);
}
