// A device-held signing key: the mobile app makes a non-extractable P-256 key with
// WebCrypto and sends a PKCS#10 request (RFC 2986) signed with it. The request's own
// signature is the proof of possession (RFC 4211 §4.1: the key signs for itself). Only
// its key is used: the subject and extensions are ours, the profile of every citizen
// certificate.
import { Pkcs10CertificateRequest } from '@peculiar/x509';
import { AppError } from '../errors.ts';
import { OID } from './oids.ts';
import { parseSpki } from './x509.ts';
import { objectIdentifier } from './der.ts';

// DER in base64, or PEM.
function requestBytes(text: string): Uint8Array<ArrayBuffer> {
  const pem = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]+?)-----END (?:NEW )?CERTIFICATE REQUEST-----/.exec(text);
  return new Uint8Array(Buffer.from((pem ? pem[1]! : text).replace(/\s/g, ''), 'base64'));
}

// The request's P-256 public key (SubjectPublicKeyInfo), once its signature verifies.
export async function provenDeviceKey(csr: string): Promise<Buffer> {
  let request: Pkcs10CertificateRequest;
  try {
    request = new Pkcs10CertificateRequest(requestBytes(csr));
  } catch {
    throw new AppError('csr_invalid', { message: 'csr: not a PKCS#10 certificate request' });
  }
  const spki = Buffer.from(request.publicKey.rawData);
  const algorithm = parseSpki(spki).algorithm;
  const namedP256 = algorithm.parameters !== null && algorithm.parameters !== undefined && Buffer.from(algorithm.parameters).equals(objectIdentifier(OID.p256));
  if (algorithm.algorithm !== OID.ecPublicKey || !namedP256) throw new AppError('csr_invalid', { message: 'csr: the key must be ECDSA P-256' });
  let proven = false;
  try {
    proven = await request.verify();
  } catch {
    proven = false;
  }
  if (!proven) throw new AppError('csr_invalid', { message: 'csr: its signature does not verify with its key (no proof of possession)' });
  return spki;
}
