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

// A reference is valid when Σ (i + 1) · value(symbol i) ≡ 0 (mod 37) over all nine
// symbols. 37 is prime and the weights differ, so any one wrong symbol and any swap of
// two neighbours break the sum (Luhn mod 32 misses a swap of 0 and Z). The check symbol
// must fit the 32-symbol alphabet, so bodies whose check would be 32–36 are redrawn.
const MODULUS = 37;

function weightedSum(symbols: string): number {
  return [...symbols].reduce((sum, char, index) => (sum + (index + 1) * VALUE.get(char)!) % MODULUS, 0);
}

// The value v with weightedSum(body) + weight · v ≡ 0, or null when it is beyond base32.
function checkValue(body: string): number | null {
  const weight = body.length + 1;
  // Fermat: the inverse of the weight modulo a prime is weight^(p−2).
  let inverse = 1;
  for (let i = 0; i < MODULUS - 2; i += 1) inverse = (inverse * weight) % MODULUS;
  const value = ((MODULUS - weightedSum(body)) * inverse) % MODULUS;
  return value < 32 ? value : null;
}

// What people type instead: lower case, spaces and hyphens, and the letters Crockford
// reads as digits.
function canonical(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

const REFERENCE_BODY = 8;

// Eight random symbols (40 bits, less the redrawn 5 in 37) and a check symbol, shown as three groups of three.
export function generateReference(random: RandomBytes = randomBytes): string {
  for (;;) {
    const body = randomSymbols(random, REFERENCE_BODY);
    const check = checkValue(body);
    if (check !== null) return body + ALPHABET[check]!;
  }
}

// The canonical reference, or null when it is malformed or its check symbol is wrong.
export function parseReference(typed: string): string | null {
  const value = canonical(typed);
  if (value.length !== REFERENCE_BODY + 1 || ![...value].every((char) => VALUE.has(char))) return null;
  return weightedSum(value) === 0 ? value : null;
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
