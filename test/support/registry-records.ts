// Registry records and events for tests: valid by default, changed field by field.
import { luhnCheckDigit, type RegistryRecord } from '../../src/register/person.ts';
import type { RegistryEvent } from '../../src/register/civil-registry.ts';

export function civilNumberFrom(body: string): string {
  return `${body}${luhnCheckDigit(body)}`;
}

export function sampleRecord(overrides: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    civilNumber: civilNumberFrom('123456789'),
    names: {
      ar: { given: 'يوسف', father: 'أحمد', grandfather: 'عبد الله', family: 'بن علي' },
      lat: { given: 'Youssef', father: 'Ahmed', grandfather: 'Abdallah', family: 'Ben Ali' },
    },
    birthDate: '1990-04-12',
    birthplace: 'Wadi Salam',
    sex: 'M',
    nationality: 'HWY',
    status: 'alive',
    version: 1,
    locale: 'ar',
    ...overrides,
  };
}

export function sampleDeath(id: string, record: RegistryRecord, deathDate: string): RegistryEvent {
  return { id, type: 'death', civilNumber: record.civilNumber, version: record.version + 1, occurredAt: `${deathDate}T10:00:00Z`, deathDate };
}

export function sampleBirth(id: string, record: RegistryRecord): RegistryEvent {
  return { id, type: 'birth', civilNumber: record.civilNumber, version: record.version, occurredAt: `${record.birthDate}T08:00:00Z`, record };
}

export function jsonLines(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join('\n') + '\n';
}
