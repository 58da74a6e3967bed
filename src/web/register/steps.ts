// The questions of the registration, one page each, in order. Each step reads its form
// with the domain's own schema (registrationSchema), so a page refuses exactly what
// submitApplication would, with the same message keys; empty optional fields are absent.
import type { z } from 'zod';
import { registrationSchema } from '../../enrolment/registration.ts';
import type { Answers } from './draft.ts';

export interface StepOutcome {
  answers: Partial<Answers>;
  // What the person typed, to put back in the fields when something is wrong.
  values: Record<string, string>;
  // Field (the input's id) → message key.
  fields: Record<string, string>;
}

export interface Step {
  slug: string;
  // The fields this page asks for, as the check page names them.
  fields: readonly string[];
  done(answers: Answers): boolean;
  values(answers: Answers): Record<string, string>;
  parse(form: URLSearchParams, context: { officeCodes: ReadonlySet<string> }): StepOutcome;
}

const shape = registrationSchema.shape;
const typed = (form: URLSearchParams, name: string) => (form.get(name) ?? '').trim();

// One field through its schema: the value, or its message key.
function check<T>(schema: z.ZodType<T>, value: unknown): { value?: T; error?: string } {
  const parsed = schema.safeParse(value);
  return parsed.success ? { value: parsed.data } : { error: parsed.error.issues[0]!.message };
}

function outcome(values: Record<string, string>, results: Record<string, { value?: unknown; error?: string }>): StepOutcome {
  const fields: Record<string, string> = {};
  const answers: Record<string, unknown> = {};
  for (const [name, result] of Object.entries(results)) {
    if (result.error) fields[name] = result.error;
    else if (result.value !== undefined) answers[name] = result.value;
  }
  return { answers: answers as Partial<Answers>, values, fields };
}

const optional = (value: string) => (value === '' ? undefined : value);

// Day, month and year, as three fields: an ISO date when they make one.
export function dateFromParts(day: string, month: string, year: string): string | 'missing' | 'invalid' {
  if (!day && !month && !year) return 'missing';
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return 'invalid';
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

export function dateParts(iso: string | undefined): { day: string; month: string; year: string } {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { day: day.replace(/^0/, ''), month: month.replace(/^0/, ''), year };
}

export const STEPS: readonly Step[] = [
  {
    slug: 'civil-number',
    fields: ['civilNumber'],
    done: (answers) => answers.civilNumber !== undefined,
    values: (answers) => ({ civilNumber: answers.civilNumber ?? '' }),
    parse(form) {
      const civilNumber = typed(form, 'civilNumber');
      // People copy the number with the spaces their card prints.
      return outcome({ civilNumber }, { civilNumber: check(shape.civilNumber, civilNumber.replace(/[\s-]/g, '')) });
    },
  },
  {
    slug: 'name',
    fields: ['givenName', 'familyName'],
    done: (answers) => answers.givenName !== undefined && answers.familyName !== undefined,
    values: (answers) => ({ givenName: answers.givenName ?? '', familyName: answers.familyName ?? '' }),
    parse(form) {
      const values = { givenName: typed(form, 'givenName'), familyName: typed(form, 'familyName') };
      return outcome(values, { givenName: check(shape.givenName, values.givenName), familyName: check(shape.familyName, values.familyName) });
    },
  },
  {
    slug: 'birth-date',
    fields: ['birthDate'],
    done: (answers) => answers.birthDate !== undefined,
    values: (answers) => dateParts(answers.birthDate),
    parse(form) {
      const values = { day: typed(form, 'day'), month: typed(form, 'month'), year: typed(form, 'year') };
      const iso = dateFromParts(values.day, values.month, values.year);
      const result = iso === 'missing' ? { error: 'fields.birthDate.required' } : iso === 'invalid' ? { error: 'fields.birthDate.invalid' } : check(shape.birthDate, iso);
      return outcome(values, { birthDate: result });
    },
  },
  {
    slug: 'contact',
    fields: ['email', 'phone'],
    done: (answers) => answers.email !== undefined || answers.phone !== undefined,
    values: (answers) => ({ email: answers.email ?? '', phone: answers.phone ?? '' }),
    parse(form) {
      const values = { email: typed(form, 'email'), phone: typed(form, 'phone') };
      if (!values.email && !values.phone) return { answers: {}, values, fields: { email: 'fields.contact.required' } };
      const result = outcome(values, { email: check(shape.email, optional(values.email)), phone: check(shape.phone, optional(values.phone)) });
      // Both are kept or both replaced: a number removed here is removed from the answers.
      return { ...result, answers: { email: undefined, phone: undefined, ...result.answers } };
    },
  },
  {
    slug: 'username',
    fields: ['usernameAlias'],
    done: (answers) => answers.usernameAsked === true,
    values: (answers) => ({ usernameAlias: answers.usernameAlias ?? '' }),
    parse(form) {
      const values = { usernameAlias: typed(form, 'usernameAlias') };
      const result = outcome(values, { usernameAlias: check(shape.usernameAlias, optional(values.usernameAlias)) });
      return { ...result, answers: { usernameAlias: undefined, ...result.answers, usernameAsked: true } };
    },
  },
  {
    slug: 'office',
    fields: ['officeCode'],
    done: (answers) => answers.officeCode !== undefined,
    values: (answers) => ({ officeCode: answers.officeCode ?? '' }),
    parse(form, context) {
      const values = { officeCode: typed(form, 'officeCode') };
      const result = check(shape.officeCode, values.officeCode);
      if (result.value !== undefined && !context.officeCodes.has(result.value)) return outcome(values, { officeCode: { error: 'fields.officeCode.unknown' } });
      return outcome(values, { officeCode: result });
    },
  },
];

// The page a person should be on: the first question not yet answered.
export function firstUnanswered(answers: Answers): Step | undefined {
  return STEPS.find((step) => !step.done(answers));
}
