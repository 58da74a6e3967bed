// CSRF tokens for our forms: an HMAC of the flow's id (the interaction uid) under a
// server secret, checked in constant time. The flow id is itself bound to a signed,
// SameSite cookie, so a forged post carries neither.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

export interface Csrf {
  token(flowId: string): string;
  assert(flowId: string, submitted: string | null): void;
}

// Tokens are made under the first secret and accepted under any current one, so a page
// opened just before a cookie-key rotation still submits.
export function createCsrf(secrets: () => readonly string[]): Csrf {
  const tokenUnder = (secret: string, flowId: string) => createHmac('sha256', secret).update(`csrf:${flowId}`).digest('base64url');
  return {
    token: (flowId) => tokenUnder(secrets()[0]!, flowId),
    assert(flowId, submitted) {
      const given = Buffer.from(submitted ?? '');
      const valid = secrets().some((secret) => {
        const expected = Buffer.from(tokenUnder(secret, flowId));
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!valid) throw new AppError('csrf_failed');
    },
  };
}
