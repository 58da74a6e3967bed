// The verification code shown to the citizen beside each signing request, computed as
// Smart-ID does: the last two bytes of SHA-256 of the hash to be signed, as an unsigned
// big-endian integer, modulo 10000, as four digits. The relying party shows the same code,
// so the person can see the request they approve is the one in front of them.
// Test vector: the SHA-256 of "Hello World!" gives 7712.
import { createHash } from 'node:crypto';

export function verificationCode(hash: Uint8Array): string {
  const digest = createHash('sha256').update(hash).digest();
  return String(digest.readUInt16BE(digest.length - 2) % 10000).padStart(4, '0');
}
