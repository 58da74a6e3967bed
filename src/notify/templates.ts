// The notices Hawiya sends, and the data each may carry. The schemas are strict: a field
// not listed here is refused when the notice is queued, so an activation code, a password
// or any other secret cannot ride along in a payload by accident (a notice crosses mail
// and SMS gateways, and stays readable in the outbox).
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const officeCode = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,15}$/);

export const NOTICE_PAYLOADS = {
  // Too many failed passwords; sign-in paused for a while.
  account_locked: z.object({}).strict(),
  // A sign-in from a device the account had not used: the browser and the network (/24 or /48).
  new_device: z.object({ device: z.string().max(200), network: z.string().max(64) }).strict(),
  // A clerk printed the activation slip; the code is on the slip only, never here.
  activation_slip_issued: z.object({ reference: z.string().min(1).max(40), officeCode, expiresOn: isoDate }).strict(),
  // The holder chose a password (and second factor): the account works.
  account_activated: z.object({}).strict(),
  // Suspended at the holder's request, by a clerk, or for suspected fraud.
  account_suspended: z.object({ reason: z.enum(['citizen_request', 'clerk', 'fraud']) }).strict(),
  // Recovery at an office: a new activation slip replaced the old sign-in methods.
  account_recovered: z.object({ officeCode }).strict(),
} as const;

export type NoticeTemplate = keyof typeof NOTICE_PAYLOADS;
export type NoticePayload<T extends NoticeTemplate> = z.infer<(typeof NOTICE_PAYLOADS)[T]>;

export const NOTICE_TEMPLATES = Object.keys(NOTICE_PAYLOADS) as NoticeTemplate[];

export function isNoticeTemplate(value: string): value is NoticeTemplate {
  return Object.hasOwn(NOTICE_PAYLOADS, value);
}

export class NoticePayloadError extends Error {
  override name = 'NoticePayloadError';
}

// Checks a payload against its template; names the offending field, never its value.
export function parseNoticePayload(template: string, payload: unknown): Record<string, unknown> {
  if (!isNoticeTemplate(template)) throw new NoticePayloadError(`unknown notice template ${template}`);
  const parsed = NOTICE_PAYLOADS[template].safeParse(payload ?? {});
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => [...issue.path, ...('keys' in issue ? issue.keys : [])].join('.') || '(payload)');
    throw new NoticePayloadError(`notice ${template}: invalid payload field(s) ${fields.join(', ')}`);
  }
  return parsed.data;
}
