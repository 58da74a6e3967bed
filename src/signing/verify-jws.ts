// Verifying a JWS (RFC 7515) compact serialisation signed with a citizen's key (ES256),
// attached or detached (RFC 7515 Appendix F; RFC 7797 "b64": false). The signer's
// certificate is the first of the protected header's x5c (JAdES baseline B-B); the signing
// time is the header's sigT (JAdES) or iat, else now.
import { verify } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../db/db.ts';
import type { LoadedCa } from './ca.ts';
import { checkSigner } from './verify-signer.ts';
import { MalformedSignature, verdict, type VerificationResult } from './verify-cms.ts';
import { parseCertificate } from './x509.ts';
import { AsnConvert } from '@peculiar/asn1-schema';

const headerSchema = z.object({
  alg: z.literal('ES256'),
  x5c: z.array(z.string().min(1)).min(1),
  b64: z.boolean().optional(),
  crit: z.array(z.string()).optional(),
  sigT: z.string().optional(),
  iat: z.number().optional(),
});

function header(part: string): z.infer<typeof headerSchema> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedSignature('signature: the JWS header is not base64url JSON');
  }
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) throw new MalformedSignature(`signature: JWS header ${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export async function verifyJws(deps: { db: Queryable; clock: { now(): Date } }, ca: LoadedCa, jws: string, data: Uint8Array | undefined): Promise<VerificationResult> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) throw new MalformedSignature('signature: a JWS in compact serialisation has three parts');
  const [protectedPart, payloadPart, signaturePart] = parts as [string, string, string];
  const jose = header(protectedPart);
  const signerDer = Buffer.from(jose.x5c[0]!, 'base64');
  let certificateKey: Buffer;
  try {
    certificateKey = Buffer.from(AsnConvert.serialize(parseCertificate(signerDer).tbsCertificate.subjectPublicKeyInfo));
  } catch {
    throw new MalformedSignature('signature: x5c[0] is not a certificate');
  }
  if (payloadPart === '' && !data) throw new MalformedSignature('data: a detached JWS needs its data');
  const unencoded = jose.b64 === false;
  const payload = payloadPart === '' ? (unencoded ? Buffer.from(data!) : Buffer.from(Buffer.from(data!).toString('base64url'))) : Buffer.from(payloadPart);
  const signingInput = Buffer.concat([Buffer.from(`${protectedPart}.`), payload]);
  let integrity = false;
  try {
    integrity = verify('sha256', signingInput, { key: certificateKey, format: 'der', type: 'spki', dsaEncoding: 'ieee-p1363' }, Buffer.from(signaturePart, 'base64url'));
  } catch {
    integrity = false;
  }
  // Attached: the data given, if any, must be the payload signed.
  if (payloadPart !== '' && data && !Buffer.from(payloadPart, 'base64url').equals(Buffer.from(data))) integrity = false;
  const claimed = jose.sigT ? new Date(jose.sigT) : jose.iat !== undefined ? new Date(jose.iat * 1000) : null;
  const signingTime = claimed && !Number.isNaN(claimed.getTime()) ? claimed : deps.clock.now();
  const { signer, checks } = await checkSigner(deps.db, ca, signerDer, signingTime);
  return verdict(integrity, { signer, signingTime: signingTime.toISOString(), checks });
}
