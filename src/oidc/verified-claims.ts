// verified_claims (OpenID Connect for Identity Assurance 1.0): how the person's identity
// was checked, and the claims that check vouches for. The source is the newest in-person
// check (identity_evidence, written by enrolment), at an office, against a document.
//
// Policy:
// - a client is entitled only when its registered `scope` lists `verified_claims`; a
//   request from any other client, or naming claims beyond the client's scopes, is refused
//   with invalid_request at the authorization endpoint (provider.ts), as national_id is;
// - what goes out is what the request names (IDA §6: the `claims` element lists the
//   claims wanted, and may not be empty), within the client's scopes;
// - a person with no evidence, or a trust framework constraint we cannot meet, gets no
//   verified_claims at all (IDA §6.5: omitted, not an error);
// - every release is audited.
import { z } from 'zod';
import type { Db, Queryable } from '../db/db.ts';
import type { Clock } from '../clock.ts';
import { appendAudit } from '../audit/audit-log.ts';

export const VERIFIED_CLAIMS_SCOPE = 'verified_claims';
export const DOCUMENT_TYPES = ['idcard', 'passport', 'residence_permit'] as const;
// Predefined check method: physical in-person proofing, at a counter.
const CHECK_METHOD = 'pipp';

const claimRequest = z.union([z.null(), z.record(z.string(), z.unknown())]);
const constraint = z.union([z.null(), z.object({ value: z.string().optional(), values: z.array(z.string()).optional() }).loose()]);

const verifiedClaimsRequest = z.object({
  verification: z.object({ trust_framework: constraint }).loose(),
  claims: z.record(z.string(), claimRequest).refine((claims) => Object.keys(claims).length > 0, 'must name at least one claim'),
}).loose();

const verifiedClaimsRequests = z.union([verifiedClaimsRequest, z.array(verifiedClaimsRequest).min(1)]);
type VerifiedClaimsRequest = z.infer<typeof verifiedClaimsRequest>;

// The verified_claims member of a claims parameter container, checked; throws a message
// for invalid_request when it is malformed.
export function parseVerifiedClaimsRequest(value: unknown): VerifiedClaimsRequest[] {
  const parsed = verifiedClaimsRequests.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`verified_claims.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return Array.isArray(parsed.data) ? parsed.data : [parsed.data];
}

// The claims named inside verified_claims of either container that the client's scopes do
// not cover (and verified_claims itself, when the client is not entitled to it).
export function verifiedClaimsBeyondEntitlement(
  requested: Record<string, Record<string, unknown> | undefined>,
  isEntitled: (claim: string) => boolean,
): string[] {
  const beyond: string[] = [];
  for (const container of ['id_token', 'userinfo']) {
    const value = requested[container]?.verified_claims;
    if (value === undefined) continue;
    for (const request of parseVerifiedClaimsRequest(value)) {
      for (const claim of Object.keys(request.claims)) if (!isEntitled(claim)) beyond.push(`verified_claims.claims.${claim}`);
    }
  }
  return beyond;
}

export interface Evidence {
  applicationId: string;
  reference: string;
  officeCode: string;
  documentType: string;
  documentNumber: string;
  issuer: string;
  expiresOn: string;
  verifiedAt: Date;
}

// The newest in-person check of the person, if any.
export async function newestEvidence(db: Queryable, personId: string): Promise<Evidence | undefined> {
  const { rows } = await db.query<{ application_id: string; reference: string; office_code: string; document_type: string; document_number: string; issuer: string; expires_on: string; verified_at: Date }>(
    `SELECT e.application_id, a.reference, o.code AS office_code, e.document_type, e.document_number, e.issuer,
            to_char(e.expires_on, 'YYYY-MM-DD') AS expires_on, e.verified_at
       FROM identity_evidence e JOIN applications a ON a.id = e.application_id JOIN offices o ON o.code = e.office_code
      WHERE e.person_id = $1 ORDER BY e.verified_at DESC, e.id LIMIT 1`,
    [personId],
  );
  const row = rows[0];
  return row && {
    applicationId: row.application_id, reference: row.reference, officeCode: row.office_code, documentType: row.document_type,
    documentNumber: row.document_number, issuer: row.issuer, expiresOn: row.expires_on, verifiedAt: new Date(row.verified_at),
  };
}

// RFC 3339 without fractions, as the IDA examples write times.
const seconds = (moment: Date) => moment.toISOString().replace(/\.\d{3}Z$/, 'Z');

function acceptsTrustFramework(request: VerifiedClaimsRequest, ours: string): boolean {
  const wanted = request.verification.trust_framework;
  if (!wanted) return true;
  const allowed = [...(wanted.value !== undefined ? [wanted.value] : []), ...(wanted.values ?? [])];
  return allowed.length === 0 || allowed.includes(ours);
}

function verification(evidence: Evidence, trustFramework: string) {
  const time = seconds(evidence.verifiedAt);
  return {
    trust_framework: trustFramework,
    time,
    verification_process: evidence.reference,
    evidence: [{
      type: 'document',
      check_details: [{ check_method: CHECK_METHOD, organization: evidence.officeCode, check_id: evidence.applicationId, time }],
      document_details: {
        type: evidence.documentType,
        document_number: evidence.documentNumber,
        issuer: { name: evidence.issuer },
        date_of_expiry: evidence.expiresOn,
      },
    }],
  };
}

// One verified_claims object per request that can be met: the verification, and the
// requested claims the client may have and the person has.
export function buildVerifiedClaims(input: {
  evidence: Evidence;
  trustFramework: string;
  requests: VerifiedClaimsRequest[];
  available: Record<string, unknown>;
  isEntitled: (claim: string) => boolean;
}): Array<{ verification: ReturnType<typeof verification>; claims: Record<string, unknown> }> {
  const out = [];
  for (const request of input.requests) {
    if (!acceptsTrustFramework(request, input.trustFramework)) continue;
    const claims = Object.fromEntries(Object.keys(request.claims)
      .filter((claim) => input.isEntitled(claim) && input.available[claim] !== undefined)
      .map((claim) => [claim, input.available[claim]]));
    if (Object.keys(claims).length > 0) out.push({ verification: verification(input.evidence, input.trustFramework), claims });
  }
  return out;
}

export interface VerifiedClaimsDeps {
  db: Db;
  clock: Clock;
  trustFramework: string;
}

// What findAccount's claims() adds: verified_claims when asked for, entitled and available;
// the release is audited with the claims it carried.
export async function releaseVerifiedClaims(
  deps: VerifiedClaimsDeps,
  input: { personId: string; clientId: string | undefined; use: string; requested: unknown; available: Record<string, unknown>; entitledScopes: readonly string[]; isEntitled: (claim: string) => boolean },
): Promise<{ verified_claims: unknown } | undefined> {
  if (input.requested === undefined || !input.entitledScopes.includes(VERIFIED_CLAIMS_SCOPE)) return undefined;
  const evidence = await newestEvidence(deps.db, input.personId);
  if (!evidence) return undefined;
  const released = buildVerifiedClaims({ evidence, trustFramework: deps.trustFramework, requests: parseVerifiedClaimsRequest(input.requested), available: input.available, isEntitled: input.isEntitled });
  if (released.length === 0) return undefined;
  await deps.db.transaction((tx) => appendAudit(tx, deps.clock, {
    actor: `client:${input.clientId ?? 'unknown'}`, action: 'claims.verified_claims.released', subject: input.personId,
    details: { use: input.use, claims: [...new Set(released.flatMap((each) => Object.keys(each.claims)))], applicationId: evidence.applicationId },
  }));
  // IDA §5: an object when there is one, an array when several requests were met.
  return { verified_claims: released.length === 1 ? released[0] : released };
}

// For discovery (IDA §8).
export function verifiedClaimsMetadata(trustFramework: string, claimsInVerifiedClaims: readonly string[]) {
  return {
    verified_claims_supported: true,
    trust_frameworks_supported: [trustFramework],
    evidence_supported: ['document'],
    documents_supported: [...DOCUMENT_TYPES],
    documents_check_methods_supported: [CHECK_METHOD],
    claims_in_verified_claims_supported: [...claimsInVerifiedClaims],
  };
}
