// Rich authorization requests (RFC 9396): the types Hawiya knows, each with a schema.
// A client may ask only for the types its registration lists in
// `authorization_details_types`; a detail that does not match its type's schema exactly
// (unknown fields included) is refused before anyone is asked to approve it.
//   payment_initiation  the payment gateway: pay an amount to a creditor for an agency
//   credential          remote signing (CSC API v2): the hashes to sign with a credential,
//                       each with its document's label (signing/credential-details.ts)
import { z } from 'zod';
import { credentialDetailSchema } from '../signing/credential-details.ts';

// RFC 9396 §2.2: the common fields a detail of any type may carry.
const common = {
  locations: z.array(z.url()).min(1).optional(),
  actions: z.array(z.string().min(1)).min(1).optional(),
};

export const paymentInitiationSchema = z.object({
  type: z.literal('payment_initiation'),
  ...common,
  amount: z.object({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
    // A decimal string, never a float: amounts are exact.
    value: z.string().regex(/^(0|[1-9]\d{0,11})(\.\d{1,4})?$/, 'must be a decimal string such as "125.50"')
      .refine((value) => Number(value) > 0, 'must be more than zero'),
  }).strict(),
  creditor: z.object({ name: z.string().trim().min(1).max(140) }).strict(),
  agency: z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, 'must be an agency code'),
  reference: z.string().trim().min(1).max(140),
}).strict();

export const AUTHORIZATION_DETAIL_SCHEMAS = {
  payment_initiation: paymentInitiationSchema,
  credential: credentialDetailSchema,
} as const;

export type AuthorizationDetailType = keyof typeof AUTHORIZATION_DETAIL_SCHEMAS;
export type PaymentInitiation = z.infer<typeof paymentInitiationSchema>;
// The details the consent page describes; a signing request has a page of its own.
export type KnownAuthorizationDetail = PaymentInitiation;

// The reason a detail is refused, naming its field ("amount.value: must be …"), or null.
export function authorizationDetailProblem(type: AuthorizationDetailType, detail: unknown): string | null {
  const parsed = AUTHORIZATION_DETAIL_SCHEMAS[type].safeParse(detail);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function parseKnownDetail(detail: unknown): KnownAuthorizationDetail | null {
  const type = (detail as { type?: unknown } | null)?.type;
  if (type !== 'payment_initiation') return null;
  const parsed = paymentInitiationSchema.safeParse(detail);
  return parsed.success ? parsed.data : null;
}

// Details compare by their canonical JSON: the same approval, whatever the key order.
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// The requested details the person approved (those in the grant), and only those.
export function approvedDetails<T>(requested: readonly T[], granted: readonly unknown[]): T[] {
  const approved = new Set(granted.map(canonical));
  return requested.filter((detail) => approved.has(canonical(detail)));
}
