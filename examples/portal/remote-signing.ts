// Hawiya's remote signing, from the portal's side: the CSC API v2 subset under /csc/v2
// (credentials/list, signatures/signHash), the authorization details of type
// `credential` that ask the citizen to approve exactly one hash, the verification code
// shown beside the request (the one Hawiya's approval page shows), and Hawiya's
// verification API.
import { createHash } from 'node:crypto';
import { OID } from './pades.ts';

export class CscError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function post(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({})) as Record<string, unknown>;
  if (!response.ok) throw new CscError(response.status, String(json.error ?? response.status), String(json.error_description ?? json.error ?? response.statusText));
  return json;
}

export const cscResource = (issuer: string) => `${issuer.replace(/\/$/, '')}/csc/v2`;

export interface Credential {
  credentialID: string;
  // DER: the signer's certificate, then the issuing CA's.
  certificate: Uint8Array;
  chain: Uint8Array[];
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

// The person's live remote signing credential, or null when they have none yet.
export async function findCredential(issuer: string, accessToken: string): Promise<Credential | null> {
  const list = await post(`${cscResource(issuer)}/credentials/list`, { credentialInfo: true, certificates: 'chain' }, accessToken);
  const infos = (list.credentialInfos ?? []) as Array<{ credentialID: string; cert: { status: string; certificates: string[] } }>;
  const live = infos.find((info) => info.cert.status === 'valid');
  if (!live) return null;
  const [certificate, ...chain] = live.cert.certificates.map(fromBase64);
  return { credentialID: live.credentialID, certificate: certificate!, chain };
}

// RFC 9396 authorization details of the CSC type `credential`: this hash, this label.
export function credentialDetail(credentialID: string, hash: Uint8Array, label: string) {
  return { type: 'credential', credentialID, hashAlgorithmOID: OID.sha256, documentDigests: [{ hash: Buffer.from(hash).toString('base64'), label }] };
}

// Smart-ID's verification code, as Hawiya computes it: the last two bytes of SHA-256 of
// the hash, as an unsigned integer, modulo 10000, four digits.
export function verificationCode(hash: Uint8Array): string {
  const digest = createHash('sha256').update(hash).digest();
  return String(digest.readUInt16BE(digest.length - 2) % 10000).padStart(4, '0');
}

// The signature (DER ECDSA) of the approved hash; the token is spent.
export async function signHash(issuer: string, accessToken: string, credentialID: string, hash: Uint8Array): Promise<Uint8Array> {
  const signed = await post(`${cscResource(issuer)}/signatures/signHash`, {
    credentialID, hashes: [Buffer.from(hash).toString('base64')], hashAlgorithmOID: OID.sha256, signAlgo: OID.ecdsaWithSha256,
  }, accessToken);
  return fromBase64((signed.signatures as string[])[0]!);
}

export interface Verdict {
  valid: boolean;
  signerName: string;
  // integrity, chain, validityAtSigningTime, revocation, keyUsage: passed | failed | …
  checks: Record<string, string>;
  problem?: string | undefined;
}

// Hawiya's verification API (POST /api/signatures/verify), as any agency would call it.
export async function verifyPdf(issuer: string, pdf: Uint8Array): Promise<Verdict> {
  const json = await post(`${issuer.replace(/\/$/, '')}/api/signatures/verify`, { format: 'pdf', document: Buffer.from(pdf).toString('base64') });
  const signer = (json.signer ?? {}) as { name?: unknown };
  return {
    valid: json.valid === true,
    signerName: typeof signer.name === 'string' ? signer.name : '',
    checks: Object.fromEntries(Object.entries((json.checks ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)])),
    ...(typeof json.problem === 'string' ? { problem: json.problem } : {}),
  };
}
