// The app's signing key, held on this device: WebCrypto makes a P-256 key that can never
// be exported, the app signs a PKCS#10 request with it (RFC 2986; the signature is the
// proof of possession), and Hawiya answers with a certificate with the citizen profile.
// The request goes with the access token of a sign-in at high, DPoP-bound like every
// token of the app. The DER is built by hand (../../shared/der.ts, which the browser
// loads as /shared/der.ts).
import { bitString, childrenOf, explicit, objectIdentifier, readElement, sequence, setOf, tlv, unsignedInteger, utf8String, type Element } from '../../shared/der.ts';

const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
};

export interface DeviceCertificate {
  // The certificate's subject, as its attributes: CN, serialNumber (PNO<CC>-<e-ID>).
  commonName: string;
  serialNumber: string;
  notAfter: string;
  der: Uint8Array;
}

// WebCrypto signs ECDSA as r‖s; X.509 and PKCS#10 want an Ecdsa-Sig-Value.
function ecdsaSigValue(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}

export async function generateDeviceKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
}

// Hawiya writes the subject itself; the request's only names the device.
export async function certificationRequest(keys: CryptoKeyPair, deviceName: string): Promise<Uint8Array> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey));
  const subject = sequence(setOf([sequence(objectIdentifier(OID.commonName), utf8String(deviceName))]));
  // version 0, subject, key, no attributes ([0] IMPLICIT SET OF, empty).
  const info = sequence(tlv(0x02, Uint8Array.of(0)), subject, spki, explicit(0));
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, info as Uint8Array<ArrayBuffer>));
  return sequence(info, sequence(objectIdentifier(OID.ecdsaWithSha256)), bitString(ecdsaSigValue(signature)));
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);
const text = (element: Element) => new TextDecoder().decode(element.content);

function attributeOf(name: Element, oid: string): string {
  const wanted = objectIdentifier(oid);
  for (const rdn of childrenOf(name)) {
    for (const pair of childrenOf(rdn)) {
      const [type, value] = childrenOf(pair);
      if (type && value && sameBytes(type.bytes, wanted)) return text(value);
    }
  }
  return '';
}

// UTCTime YYMMDDHHMMSSZ (years 1950–2049, RFC 5280 §4.1.2.5.1) or GeneralizedTime.
function timeOf(element: Element): string {
  const value = text(element);
  const full = element.tag === 0x17 ? `${Number(value.slice(0, 2)) < 50 ? '20' : '19'}${value}` : value;
  return `${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`;
}

export function describeCertificate(der: Uint8Array): DeviceCertificate {
  const tbs = childrenOf(childrenOf(readElement(der))[0]!);
  // tbsCertificate: [0] version, serialNumber, signature, issuer, validity, subject, …
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  const [, notAfter] = childrenOf(fields[3]!);
  const subject = fields[4]!;
  return { commonName: attributeOf(subject, OID.commonName), serialNumber: attributeOf(subject, OID.serialNumber), notAfter: timeOf(notAfter!), der };
}

export const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
