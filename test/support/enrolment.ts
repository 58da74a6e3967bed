// Enrolment for HTTP tests: a Hawiya with a small civil registry (a JSON-lines file read
// by the file connector), offices, a clerk, and accounts activated through the domain, as
// a counter would.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from './harness.ts';
import { fictionalRecord } from './relying-party.ts';
import { jsonLines } from './registry-records.ts';
import type { Clock } from '../../src/clock.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { createFileRegistry } from '../../src/register/civil-registry-file.ts';
import { enterPerson } from '../../src/register/register.ts';
import type { Office } from '../../src/enrolment/offices.ts';
import type { StaffActor } from '../../src/enrolment/staff.ts';
import { submitApplication, type Registration } from '../../src/enrolment/registration.ts';
import { activateApplication } from '../../src/enrolment/verification.ts';

export const OFFICES: Office[] = [
  { code: 'PO-CENTRAL', kind: 'post', region: 'Capital', active: true, names: { ar: 'مكتب البريد المركزي', fr: 'Bureau de poste central', en: 'Central post office' } },
  { code: 'MI-NORTH', kind: 'interior', region: 'North', active: true, names: { ar: 'مكتب الداخلية بالشمال', fr: 'Bureau de l’Intérieur du Nord', en: 'Interior office North' } },
  { code: 'PO-SHUT', kind: 'post', region: 'North', active: false, names: { ar: 'مكتب مغلق', fr: 'Bureau fermé', en: 'Closed office' } },
];

export interface EnrolmentWorld {
  testDb: TestDb;
  hawiya: RunningHawiya;
  // People the registry knows; the last few are staff.
  citizens: RegistryRecord[];
  clerk: StaffActor;
  close(): Promise<void>;
}

export async function startEnrolmentWorld(options: { citizens?: number; clock?: Clock; config?: Record<string, unknown> } = {}): Promise<EnrolmentWorld> {
  const citizens = Array.from({ length: options.citizens ?? 8 }, () => fictionalRecord());
  const clerkRecord = fictionalRecord();
  const dir = mkdtempSync(join(tmpdir(), 'hawiya-registry-'));
  const file = join(dir, 'registry.jsonl');
  writeFileSync(file, jsonLines([...citizens, clerkRecord]));
  const testDb = await createTestDb();
  const hawiya = await startHawiya({
    db: testDb.db, kek: newKek(), registry: createFileRegistry(file), ...(options.clock ? { clock: options.clock } : {}), ...(options.config ? { config: options.config } : {}),
  });
  const { services } = hawiya.hawiya;
  for (const office of OFFICES) await services.offices.save(office, 'test');
  const clerkPerson = await enterPerson(services, clerkRecord, { actor: 'test' });
  const staff = await services.staff.add({ eid: clerkPerson.eid, role: 'clerk', officeCode: 'PO-CENTRAL' }, 'test');
  return {
    testDb, hawiya, citizens, clerk: { staff, requestId: 'test' },
    async close() {
      await hawiya.close();
      await testDb.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function registrationOf(record: RegistryRecord, extra: Partial<Registration> = {}): Registration {
  return {
    civilNumber: record.civilNumber, givenName: record.names.lat.given, familyName: record.names.lat.family, birthDate: record.birthDate,
    email: 'citizen@example.org', officeCode: 'PO-CENTRAL', locale: 'en', ...extra,
  };
}

// A registered, verified person with an activation code, as the counter leaves them.
export async function activatedAccount(world: EnrolmentWorld, record: RegistryRecord, extra: Partial<Registration> = {}): Promise<{ username: string; activationCode: string; personId: string }> {
  const { services } = world.hawiya.hawiya;
  const registration = { db: services.db, clock: services.clock, registry: services.registry, eidLength: services.config.register.eidLength, applicationDays: 30 };
  const application = await submitApplication(registration, registrationOf(record, extra), {});
  const evidence = { documentType: 'idcard' as const, documentNumber: 'AB123456', issuer: 'Ministry of Interior', expiresOn: '2035-01-01', photoMatches: true as const, documentGenuine: true as const };
  const activation = await activateApplication({ db: services.db, clock: services.clock }, { applicationId: application.id, evidence }, world.clerk);
  return { username: activation.username, activationCode: activation.activationCode, personId: application.personId };
}
