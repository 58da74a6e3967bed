// The national e-ID number: random digits from the CSPRNG ending in a Verhoeff check
// digit, carrying no personal data, and passing MOSIP's UIN filters so that numbers are
// hard to misread, mistype or mistake for a pattern.
import { randomInt } from 'node:crypto';

export const DEFAULT_EID_LENGTH = 12;

// Verhoeff's dihedral-group tables (multiplication, permutation, inverse).
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

function verhoeffChecksum(digits: string, offset: number): number {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = D[c]![P[(i + offset) % 8]![digit]!]!;
  }
  return c;
}

export function verhoeffCheckDigit(body: string): string {
  return String(INV[verhoeffChecksum(body, 1)]);
}

export function verhoeffValid(number: string): boolean {
  return /^\d+$/.test(number) && verhoeffChecksum(number, 0) === 0;
}

// Cyclic numbers (the repeating periods of 1/7, 1/17, 1/19, 1/23, 1/29, …) and the
// rotations of the shortest, which MOSIP excludes as memorable patterns.
const CYCLIC = ['142857', '428571', '285714', '857142', '571428', '714285', '0588235294117647', '052631578947368421', '0434782608695652173913'];
const RESTRICTED = ['786', '666'];

// MOSIP's UIN filters. Each names what it forbids, so a refusal can say why. Some overlap
// (666 is also a repeated digit), which is why each is kept and tested on its own.
export const EID_FILTERS = {
  leadingZeroOrOne: ['leading 0 or 1', (n: string) => n[0] === '0' || n[0] === '1'],
  repeatedDigit: ['a digit repeated within two places (11, 1x1)', (n: string) => /(\d)\d?\1/.test(n)],
  sequentialRun: ['a run of three ascending or descending digits', (n: string) => {
    for (let i = 0; i + 2 < n.length; i++) {
      const [a, b, c] = [n.charCodeAt(i), n.charCodeAt(i + 1), n.charCodeAt(i + 2)];
      if ((b - a === 1 && c - b === 1) || (a - b === 1 && b - c === 1)) return true;
    }
    return false;
  }],
  repeatedBlock: ['a repeated block of two or more digits', (n: string) => /(\d{2,}).*?\1/.test(n)],
  evenTriple: ['three even digits 2, 4, 6, 8 in a row', (n: string) => /[2468]{3}/.test(n)],
  mirroredEnds: ['the first five digits repeated at the end, or reversed', (n: string) => {
    const first = n.slice(0, 5);
    const last = n.slice(-5);
    return first === last || first === [...last].reverse().join('');
  }],
  restricted: ['a restricted number (786, 666)', (n: string) => RESTRICTED.some((r) => n.includes(r))],
  cyclic: ['a cyclic number', (n: string) => CYCLIC.some((cyclic) => cyclic.length <= n.length && n.includes(cyclic))],
} satisfies Record<string, [string, (n: string) => boolean]>;

const FILTER_LIST = Object.values(EID_FILTERS);

// The first rule a number breaks, or null when it passes them all.
export function filterViolation(number: string): string | null {
  for (const [rule, breaks] of FILTER_LIST) if (breaks(number)) return rule;
  return null;
}

export type EidCheck = { valid: true } | { valid: false; reason: string };

export function checkEid(number: string, length = DEFAULT_EID_LENGTH): EidCheck {
  if (!/^\d+$/.test(number)) return { valid: false, reason: 'must contain digits only' };
  if (number.length !== length) return { valid: false, reason: `must be ${length} digits` };
  if (!verhoeffValid(number)) return { valid: false, reason: 'the check digit is wrong' };
  const violation = filterViolation(number);
  return violation ? { valid: false, reason: `contains ${violation}` } : { valid: true };
}

export type RandomDigit = () => number;
export const cryptoDigit: RandomDigit = () => randomInt(10);

// Draws until a candidate passes every filter (about one in 34 does at 12 digits; most
// fail the leading-digit and repeated-digit rules). About 18 µs a number here.
export function generateEid(length = DEFAULT_EID_LENGTH, digit: RandomDigit = cryptoDigit): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < length - 1; i++) body += String(digit());
    const candidate = body + verhoeffCheckDigit(body);
    if (filterViolation(candidate) === null) return candidate;
  }
}
