// Building blocks for certificates, CRLs and OCSP responses with @peculiar/asn1-x509: names,
// algorithm identifiers, extensions, key identifiers, serial numbers, and signing a
// to-be-signed structure with a key of the keystore.
import { createHash, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Certificate, Extension, Name,
  RelativeDistinguishedName, SubjectPublicKeyInfo, TBSCertificate,
} from '@peculiar/asn1-x509';
import type { KeyStore } from './keystore.ts';
import type { Queryable } from '../db/db.ts';
import { OID } from './oids.ts';

export type NameEntry = [oid: string, value: string];

// Country and serialNumber are PrintableString (X.520, RFC 5280 App. A); the rest UTF-8.
const PRINTABLE: ReadonlySet<string> = new Set([OID.countryName, OID.serialNumber]);

export function distinguishedName(entries: readonly NameEntry[]): Name {
  return new Name(entries.map(([type, text]) => new RelativeDistinguishedName([
    new AttributeTypeAndValue({ type, value: new AttributeValue(PRINTABLE.has(type) ? { printableString: text } : { utf8String: text }) }),
  ])));
}

// ECDSA signature algorithms have no parameters (RFC 5758 §3.2).
export const algorithm = (oid: string) => new AlgorithmIdentifier({ algorithm: oid });

export function extension(oid: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

export function parseSpki(der: Uint8Array): SubjectPublicKeyInfo {
  return AsnConvert.parse(der, SubjectPublicKeyInfo);
}

// RFC 5280 §4.2.1.2 (1): SHA-1 of the subjectPublicKey bits.
export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  return createHash('sha1').update(Buffer.from(parseSpki(spkiDer).subjectPublicKey)).digest();
}

// 128 random bits, positive: unpredictable serials (CA/Browser Forum asks for 64 or more).
export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  return serial;
}

export const serialHex = (serial: ArrayBuffer | Uint8Array) => Buffer.from(serial instanceof ArrayBuffer ? new Uint8Array(serial) : serial).toString('hex').replace(/^(00)+(?=.)/, '');

export async function signDer(keys: KeyStore, keyId: string, der: ArrayBuffer | Uint8Array, via?: Queryable): Promise<ArrayBuffer> {
  const signature = await keys.signData(keyId, new Uint8Array(der), via);
  return new Uint8Array(signature).buffer;
}

export async function signCertificate(keys: KeyStore, keyId: string, tbs: TBSCertificate, via?: Queryable): Promise<Buffer> {
  const signatureValue = await signDer(keys, keyId, AsnConvert.serialize(tbs), via);
  const certificate = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm(OID.ecdsaWithSha256), signatureValue });
  return Buffer.from(AsnConvert.serialize(certificate));
}

export function parseCertificate(der: Uint8Array): Certificate {
  return AsnConvert.parse(der, Certificate);
}

export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

const SHORT_NAMES: Record<string, string> = {
  [OID.countryName]: 'C', [OID.organizationName]: 'O', [OID.commonName]: 'CN',
  [OID.surname]: 'SN', [OID.givenName]: 'GN', [OID.serialNumber]: 'serialNumber',
};

// RFC 4514: the last RDN first, special characters escaped; unknown types by OID.
export function nameText(name: Name): string {
  return [...name].reverse().map((rdn) => [...rdn].map((pair) => {
    const value = pair.value.toString().replace(/[,+"\\<>;=]/g, (char) => `\\${char}`).replace(/^[ #]|[ ]$/g, (char) => `\\${char}`);
    return `${SHORT_NAMES[pair.type] ?? pair.type}=${value}`;
  }).join('+')).join(',');
}
