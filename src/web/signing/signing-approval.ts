// What the approval page of a signing request shows, and whether it may be approved: every
// credential named must be the signed-in person's own live remote certificate. Each
// document is shown by its label, with its verification code (verification-code.ts).
import type { SigningService } from '../../signing/signing-service.ts';
import { findCertificate } from '../../signing/certificates.ts';
import { verificationCode } from '../../signing/verification-code.ts';
import type { CredentialDetail } from '../../signing/credential-details.ts';

export interface SigningApprovalView {
  allowed: boolean;
  documents: Array<{ label: string; code: string }>;
}

export type SigningApproval = (accountId: string, details: CredentialDetail[]) => Promise<SigningApprovalView>;

export function createSigningApproval(signing: Pick<SigningService, 'db' | 'clock'>): SigningApproval {
  return async (accountId, details) => {
    let allowed = details.length > 0;
    for (const detail of details) {
      const certificate = await findCertificate(signing.db, detail.credentialID);
      const live = certificate !== null && certificate.holder === 'remote' && certificate.revokedAt === null && certificate.notAfter > signing.clock.now();
      if (!live || certificate.personId !== accountId) allowed = false;
    }
    const documents = details.flatMap((detail) => detail.documentDigests.map((digest) => ({ label: digest.label, code: verificationCode(Buffer.from(digest.hash, 'base64')) })));
    return { allowed, documents };
  };
}
