// CSRF tokens for our forms: an HMAC of the flow's id (the interaction uid) under a
// server secret, checked in constant time. The flow id is itself bound to a signed,
// SameSite cookie, so a forged post carries neither.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

export interface Csrf {
  token(flowId: string): string;
  assert(flowId: string, submitted: string | null): void;
}

export function createCsrf(secret: () => string): Csrf {
  const token = (flowId: string) => createHmac('sha256', secret()).update(`csrf:${flowId}`).digest('base64url');
  return {
    token,
    assert(flowId, submitted) {
      const expected = Buffer.from(token(flowId));
      const given = Buffer.from(submitted ?? '');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('csrf_failed');
    },
  };
}
