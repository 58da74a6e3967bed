// A person in the identity register, as the civil registry describes them.
import { z } from 'zod';

// The number on today's ID card: 10 digits, the last a Luhn check digit.
export const CIVIL_NUMBER = /^\d{10}$/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function luhnCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(`${body}${digit}`)) return String(digit);
  throw new Error('unreachable');
}

export const civilNumber = z.string().regex(CIVIL_NUMBER, 'must be 10 digits').refine(luhnValid, 'has a wrong check digit');

// A calendar date that exists (no 31 February).
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD').refine((value) => {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}, 'is not a real date');

// A name has at least one letter, in any script.
const name = z.string().trim().min(1).max(100).regex(/\p{L}/u, 'must contain letters');

export const namesSchema = z.object({
  given: name,
  father: name,
  grandfather: name,
  family: name,
});

// The registry's record of one person.
export const registryRecordSchema = z.object({
  civilNumber,
  names: z.object({ ar: namesSchema, lat: namesSchema }),
  birthDate: isoDate,
  birthplace: z.string().trim().min(1).max(100),
  sex: z.enum(['F', 'M']),
  // ISO 3166-1 alpha-3.
  nationality: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 3166 alpha-3 code'),
  status: z.enum(['alive', 'deceased']).default('alive'),
  deathDate: isoDate.optional(),
  // The registry's version of this record: it grows with every change.
  version: z.number().int().min(1).default(1),
  locale: z.enum(['ar', 'fr', 'en']).default('ar'),
}).refine((record) => (record.status === 'deceased') === (record.deathDate !== undefined), {
  path: ['deathDate'], message: 'is required for a deceased person, and only for one',
}).refine((record) => record.deathDate === undefined || record.deathDate >= record.birthDate, {
  path: ['deathDate'], message: 'is before the birth date',
});

export type RegistryRecord = z.infer<typeof registryRecordSchema>;
export type Names = z.infer<typeof namesSchema>;

// What a person types when registering, to be matched against the registry.
export interface SubmittedDetails {
  civilNumber: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}
