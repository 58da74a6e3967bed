// The CSC API v2 authorization details type `credential` (RFC 9396 rich authorization
// requests): the relying party names the signing credential, the hashes to sign with a
// label for each document, and the hash algorithm. An access token carrying it is a
// signing authorisation: for exactly those hashes, once, for five minutes, after a fresh
// sign-in at the high level.
import { z } from 'zod';
import { HASHES } from './oids.ts';
import type { Level } from '../authn/assurance.ts';

export const CREDENTIAL_TYPE = 'credential';
export const SIGNING_TOKEN_SECONDS = 300;
// The resource server (RFC 8707) a signing authorisation is bound to.
export const cscResource = (issuer: string) => `${issuer.replace(/\/$/, '')}/csc/v2`;
const MAX_DOCUMENTS = 20;

const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+$/, 'must be base64');

export const credentialDetailSchema = z.object({
  type: z.literal(CREDENTIAL_TYPE),
  credentialID: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be a credential identifier from credentials/list'),
  documentDigests: z.array(z.object({
    hash: base64,
    // Shown to the person: what they are signing.
    label: z.string().trim().min(1, 'must name the document').max(200),
  })).min(1).max(MAX_DOCUMENTS),
  hashAlgorithmOID: z.string().refine((oid) => Object.hasOwn(HASHES, oid), 'must be SHA-256, SHA-384 or SHA-512'),
  locations: z.array(z.string()).optional(),
}).check((ctx) => {
  const algorithm = HASHES[ctx.value.hashAlgorithmOID];
  if (!algorithm) return;
  ctx.value.documentDigests.forEach((digest, index) => {
    if (Buffer.from(digest.hash, 'base64').length !== algorithm.bytes) {
      ctx.issues.push({ code: 'custom', path: ['documentDigests', index, 'hash'], input: digest.hash, message: `must be a ${algorithm.bytes}-byte ${algorithm.name} hash` });
    }
  });
});

export type CredentialDetail = z.infer<typeof credentialDetailSchema>;

// The first problem, naming the field, for the authorization error.
export function credentialDetailProblem(detail: unknown): string | null {
  const parsed = credentialDetailSchema.safeParse(detail);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  return `authorization_details.${issue.path.join('.')}: ${issue.message}`;
}

function asList(details: unknown): unknown[] {
  if (typeof details === 'string') {
    try {
      return asList(JSON.parse(details));
    } catch {
      return [];
    }
  }
  return Array.isArray(details) ? details : [];
}

// The credential details among authorization details (a parameter's JSON, or a list).
export function credentialDetailsOf(details: unknown): CredentialDetail[] {
  return asList(details).flatMap((detail) => {
    const parsed = credentialDetailSchema.safeParse(detail);
    return parsed.success ? [parsed.data] : [];
  });
}

export function isSigningRequest(details: unknown): boolean {
  return asList(details).some((detail) => (detail as { type?: unknown } | null)?.type === CREDENTIAL_TYPE);
}

// A signature is approved only at the high level.
export const levelForSigning = (details: unknown): Level => (isSigningRequest(details) ? 'high' : 'low');

// The same hash may be given in base64 or base64url; compare the bytes.
export const hashKey = (hash: string) => Buffer.from(hash, hash.includes('-') || hash.includes('_') ? 'base64url' : 'base64').toString('hex');
