// Signing a request's PDF form with the person's remote key at Hawiya, in two steps
// around the person's approval:
//   prepare:  credentials/list (the sign-in's token) → the form as a PDF → its PAdES
//             placeholder and signed attributes → kept, awaiting approval;
//   complete: (the approval's token) signHash → CMS into the PDF → Hawiya's
//             verification API → the signed PDF and the verdict, kept with the request.
import { findPaidService } from './catalogue/index.ts';
import { findAgency } from '../shared/agencies.ts';
import type { Locale } from '../shared/locale.ts';
import type { Person } from '../shared/sessions.ts';
import type { Requests, ServiceRequest } from './requests.ts';
import { formLocale, formPdf } from './pdf-form.ts';
import { completeSignature, prepareSignature } from './pades.ts';
import { CscError, findCredential, signHash, verificationCode, verifyPdf } from './remote-signing.ts';

export interface FormSigningDeps {
  issuer: string;
  requests: Requests;
}

export type Prepared =
  | { kind: 'ready'; label: string; code: string }
  | { kind: 'no_certificate' }
  // The sign-in's token has expired: a new sign-in gives a new one.
  | { kind: 'sign_in_again' };

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export async function prepareFormSigning(deps: FormSigningDeps, request: ServiceRequest, person: Person, locale: Locale): Promise<Prepared> {
  const service = findPaidService(request.serviceId);
  const agency = service && findAgency(service.agency);
  if (!service?.signsForm || !agency) throw new Error('this request has no form to sign');
  if (!person.accessToken || (person.accessTokenExpiresAt ?? 0) <= Math.floor(Date.now() / 1000)) return { kind: 'sign_in_again' };
  let credential;
  try {
    credential = await findCredential(deps.issuer, person.accessToken);
  } catch (err) {
    if (err instanceof CscError && err.status === 401) return { kind: 'sign_in_again' };
    throw err;
  }
  if (!credential) return { kind: 'no_certificate' };
  const language = formLocale(locale);
  const pdf = await formPdf({
    service: service.name, agency: agency.name, applicant: person.nameLatin, reference: request.reference,
    detail: request.detail, amount: request.amount, currency: request.currency, createdAt: request.createdAt,
  }, language);
  const label = `${service.name[locale]} ${request.reference}.pdf`;
  const prepared = await prepareSignature(pdf, { reason: `${service.name[language]} ${request.reference}`, name: person.nameLatin, location: agency.name[language] }, credential.certificate);
  deps.requests.setSignature(request.id, {
    state: 'awaiting_approval', credentialID: credential.credentialID, certificates: [credential.certificate, ...credential.chain].map(base64),
    preparedPdf: base64(prepared.pdf), signedAttributes: base64(prepared.signedAttributes), hash: base64(prepared.hashToSign), label,
  });
  return { kind: 'ready', label, code: verificationCode(prepared.hashToSign) };
}

// With the access token of the person's approval (authorization details of type credential).
export async function completeFormSigning(deps: FormSigningDeps, request: ServiceRequest, approvalToken: string): Promise<void> {
  const pending = request.signature;
  if (pending?.state !== 'awaiting_approval') throw new Error('no signature awaiting approval');
  const prepared = { pdf: bytes(pending.preparedPdf), signedAttributes: bytes(pending.signedAttributes), hashToSign: bytes(pending.hash) };
  const signature = await signHash(deps.issuer, approvalToken, pending.credentialID, prepared.hashToSign);
  const [signerCertificate, ...chain] = pending.certificates.map(bytes);
  const signed = await completeSignature({ prepared, signature, signerCertificate: signerCertificate!, chain });
  const verdict = await verifyPdf(deps.issuer, signed);
  deps.requests.setSignature(request.id, { ...pending, state: 'signed', signedPdf: base64(signed), signedAt: new Date().toISOString(), verdict });
}
