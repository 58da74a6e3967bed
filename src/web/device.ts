// A long-lived random cookie that tells one browser from another, to notice sign-ins
// from a new device. It carries nothing about the person.
import { randomBytes } from 'node:crypto';
import type { AppContext } from './context.ts';

const DEVICE_COOKIE = 'hawiya_device';
const TWO_YEARS_MS = 2 * 365 * 24 * 3600 * 1000;

export function deviceIdOf(ctx: AppContext): string {
  const existing = ctx.cookies.get(DEVICE_COOKIE, { signed: true });
  if (existing && /^[A-Za-z0-9_-]{22}$/.test(existing)) return existing;
  const id = randomBytes(16).toString('base64url');
  ctx.cookies.set(DEVICE_COOKIE, id, { signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, maxAge: TWO_YEARS_MS, overwrite: true });
  return id;
}
