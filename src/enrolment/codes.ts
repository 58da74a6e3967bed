// The codes people read aloud, type and copy from paper: application references and
// activation codes. Both use Crockford's base32 (no I, L, O or U, so nothing reads as
// another character), and a reference carries a check character so a mistyped one is
// caught at the counter before any look-up.
import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const VALUE = new Map([...ALPHABET].map((char, index) => [char, index]));

export type RandomBytes = (size: number) => Buffer;

function randomSymbols(random: RandomBytes, count: number): string {
  // 256 is a multiple of 32, so each byte's low five bits are uniform.
  return [...random(count)].map((byte) => ALPHABET[byte & 31]).join('');
}

// Luhn mod N over base32: catches every single wrong character and every swap of two
// neighbours, the two mistakes people make copying codes.
function checkSymbol(body: string): string {
  let sum = 0;
  let factor = 2;
  for (let i = body.length - 1; i >= 0; i -= 1) {
    const product = factor * VALUE.get(body[i]!)!;
    sum += Math.floor(product / 32) + (product % 32);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!;
}

// What people type instead: lower case, spaces and hyphens, and the letters Crockford
// reads as digits.
function canonical(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

const REFERENCE_BODY = 8;

// Eight random symbols (40 bits) and a check symbol, shown as three groups of three.
export function generateReference(random: RandomBytes = randomBytes): string {
  const body = randomSymbols(random, REFERENCE_BODY);
  return body + checkSymbol(body);
}

// The canonical reference, or null when it is malformed or its check symbol is wrong.
export function parseReference(typed: string): string | null {
  const value = canonical(typed);
  if (value.length !== REFERENCE_BODY + 1 || ![...value].every((char) => VALUE.has(char))) return null;
  return checkSymbol(value.slice(0, -1)) === value.at(-1) ? value : null;
}

export function formatReference(reference: string): string {
  return reference.match(/.{1,3}/g)!.join('-');
}

const ACTIVATION_SYMBOLS = 16;

// Sixteen symbols, 80 bits: far beyond guessing within its 14 days and the rate limit.
export function generateActivationCode(random: RandomBytes = randomBytes): string {
  return randomSymbols(random, ACTIVATION_SYMBOLS);
}

export function formatActivationCode(code: string): string {
  return code.match(/.{1,4}/g)!.join('-');
}

// An activation code has 80 bits of entropy, so a plain SHA-256 is as strong as a slow
// hash here, and lets the look-up be an indexed equality.
export function hashActivationCode(typed: string): string | null {
  const value = canonical(typed);
  if (value.length !== ACTIVATION_SYMBOLS || ![...value].every((char) => VALUE.has(char))) return null;
  return createHash('sha256').update(value).digest('hex');
}
