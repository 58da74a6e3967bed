// CSC API v2 signatures/signHash, as a list of checks, each refusing before anything is
// spent:
//   loadAuthorisation  a bearer token with a `credential` detail, approved at high,
//                      less than five minutes old (our clock), not sender-constrained
//   matchCredential    the request names the approved credential, and the approved hash
//                      algorithm; the signature algorithm fits it
//   matchHashes        every hash was approved (any subset of them may be signed, once)
//   loadCertificate    the credential is the token holder's own remote certificate, live
//   spend              the token's first use (signing_token_uses), in the transaction
//                      that signs and writes the audit record
import { isUniqueViolation } from '../db/db.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import { ACR } from '../authn/assurance.ts';
import { HASHES, OID } from './oids.ts';
import { credentialDetailsOf, hashKey, SIGNING_TOKEN_SECONDS, type CredentialDetail } from './credential-details.ts';
import { findCertificate, type SigningCertificate } from './certificates.ts';
import type { SigningDeps } from './signing-deps.ts';

export interface SigningAuthorisation {
  id: string;
  accountId: string;
  clientId: string;
  issuedAt: Date;
  details: unknown[];
  acr: unknown;
  senderConstrained: boolean;
}

export interface SignHashRequest {
  credentialID: string;
  hashes: string[];
  hashAlgorithmOID: string;
  signAlgo: string;
}

function loadAuthorisation(deps: Pick<SigningDeps, 'clock'>, token: SigningAuthorisation | null): { token: SigningAuthorisation; details: CredentialDetail[] } {
  if (!token || token.senderConstrained) throw new AppError('invalid_token');
  const details = credentialDetailsOf(token.details);
  if (details.length === 0) throw new AppError('invalid_token', { message: 'the token is not a signing authorisation (no credential authorization_details)' });
  if (token.acr !== ACR.high) throw new AppError('invalid_token', { message: 'the signing authorisation was not approved at the high level' });
  if (deps.clock.now().getTime() - token.issuedAt.getTime() > SIGNING_TOKEN_SECONDS * 1000) throw new AppError('invalid_token', { message: 'the signing authorisation has expired' });
  return { token, details };
}

function matchCredential(details: CredentialDetail[], request: SignHashRequest): CredentialDetail {
  const detail = details.find((each) => each.credentialID === request.credentialID);
  if (!detail) throw new AppError('forbidden', { message: 'credentialID: not the credential this token was approved for' });
  if (detail.hashAlgorithmOID !== request.hashAlgorithmOID) throw new AppError('hash_not_approved', { message: 'hashAlgorithmOID: not the approved hash algorithm' });
  const signatureOid = HASHES[request.hashAlgorithmOID]!.signatureOid;
  if (request.signAlgo !== signatureOid && request.signAlgo !== OID.ecPublicKey) throw new AppError('bad_request', { message: `signAlgo: this credential signs with ${signatureOid}` });
  return detail;
}

function matchHashes(detail: CredentialDetail, request: SignHashRequest): Buffer[] {
  const approved = new Set(detail.documentDigests.map((digest) => hashKey(digest.hash)));
  return request.hashes.map((hash, index) => {
    if (!approved.has(hashKey(hash))) throw new AppError('hash_not_approved', { message: `hashes[${index}]: not among the hashes the person approved` });
    return Buffer.from(hashKey(hash), 'hex');
  });
}

async function loadCertificate(deps: Pick<SigningDeps, 'db' | 'clock'>, token: SigningAuthorisation, credentialID: string): Promise<SigningCertificate> {
  const certificate = await findCertificate(deps.db, credentialID);
  // Another person's credential is answered like one that does not exist.
  if (!certificate || certificate.personId !== token.accountId || certificate.holder !== 'remote' || !certificate.keyId) throw new AppError('forbidden', { message: 'credentialID: no such credential of this person' });
  if (certificate.revokedAt !== null || certificate.notAfter <= deps.clock.now()) throw new AppError('certificate_revoked');
  return certificate;
}

export async function signHashes(deps: SigningDeps, presented: SigningAuthorisation | null, request: SignHashRequest, context: { requestId?: string; sourceIp?: string }): Promise<Buffer[]> {
  const { token, details } = loadAuthorisation(deps, presented);
  const detail = matchCredential(details, request);
  const hashes = matchHashes(detail, request);
  const certificate = await loadCertificate(deps, token, request.credentialID);
  try {
    return await deps.db.transaction(async (tx) => {
      const now = deps.clock.now();
      await tx.query(
        'INSERT INTO signing_token_uses (token_id, person_id, credential_id, used_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [token.id, token.accountId, request.credentialID, now, new Date(token.issuedAt.getTime() + SIGNING_TOKEN_SECONDS * 1000)],
      );
      // A revocation committed since the check above wins.
      const { rows } = await tx.query('SELECT 1 FROM signing_certificates WHERE serial = $1 AND revoked_at IS NULL FOR SHARE', [certificate.serial]);
      if (rows.length === 0) throw new AppError('certificate_revoked');
      const signatures = [];
      for (const hash of hashes) signatures.push(await deps.keys.signDigest(certificate.keyId!, hash, tx));
      await appendAudit(tx, deps.clock, {
        actor: `client:${token.clientId}`, action: 'signing.signature.created', subject: token.accountId,
        requestId: context.requestId ?? null, sourceIp: context.sourceIp ?? null,
        details: { serial: certificate.serial, hashAlgorithmOID: request.hashAlgorithmOID, hashes: hashes.map((hash) => hash.toString('base64')) },
      });
      return signatures;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('invalid_token', { message: 'this signing authorisation has been used' });
    throw err;
  }
}

// A spent token's row is needed only while the token could still be presented.
export async function purgeSpentTokens(deps: Pick<SigningDeps, 'db' | 'clock'>): Promise<void> {
  await deps.db.query('DELETE FROM signing_token_uses WHERE expires_at < $1', [deps.clock.now()]);
}
