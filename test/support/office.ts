// The counter's test world: a small civil registry file, two offices, staff who sign in
// with a device-bound passkey (the high level), and citizens' online applications.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileRegistry } from '../../src/register/civil-registry-file.ts';
import type { CivilRegistry } from '../../src/register/civil-registry.ts';
import type { RegistryRecord } from '../../src/register/person.ts';
import { registrationOptions, registerPasskey } from '../../src/authn/passkeys.ts';
import { submitApplication } from '../../src/enrolment/registration.ts';
import type { Application } from '../../src/enrolment/applications.ts';
import type { StaffRole } from '../../src/enrolment/staff.ts';
import type { RunningHawiya } from './harness.ts';
import { createPerson, fictionalRecord } from './relying-party.ts';
import { SoftAuthenticator } from './soft-authenticator.ts';
import { UserAgent, hiddenInput, type Page } from './user-agent.ts';
import { jsonLines } from './registry-records.ts';

export const OFFICES = [
  { code: 'POST-A', kind: 'post' as const, names: { ar: 'مكتب بريد الواحة', fr: 'Bureau de poste de l\'Oasis', en: 'Oasis post office' }, region: 'North', active: true },
  { code: 'INT-B', kind: 'interior' as const, names: { ar: 'مكتب الداخلية بالساحل', fr: 'Bureau de l\'Intérieur du Littoral', en: 'Coast interior office' }, region: 'South', active: true },
];

// Citizens the registry knows, written before the app starts (the file registry reads once).
export function writeRegistry(count: number): { registry: CivilRegistry; records: RegistryRecord[] } {
  const records = Array.from({ length: count }, () => fictionalRecord({ locale: 'fr' }));
  const file = join(mkdtempSync(join(tmpdir(), 'hawiya-office-')), 'registry.jsonl');
  writeFileSync(file, jsonLines(records));
  return { registry: createFileRegistry(file), records };
}

export interface StaffPerson {
  id: string;
  username: string;
  key: SoftAuthenticator;
}

let staffCount = 0;

// A person with an account, a device-bound passkey and in-person verification: what the
// high level needs. `role` puts them on the staff list; `record` is theirs in the registry.
export async function newStaffPerson(hawiya: RunningHawiya, role?: StaffRole, officeCode: string | null = 'POST-A', record = fictionalRecord()): Promise<StaffPerson> {
  const { services } = hawiya.hawiya;
  const username = `staff.${staffCount++}`;
  const id = await createPerson(hawiya, { username, password: 'a long staff password' }, record);
  const key = new SoftAuthenticator();
  const issuer = new URL(hawiya.url);
  const deps = { db: services.db, clock: services.clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
  const { challengeId, options } = await registrationOptions(deps, { id, username, displayName: username });
  await registerPasskey(deps, { accountId: id, challengeId, response: key.register(options, hawiya.url), name: 'counter key' });
  await services.db.query('UPDATE accounts SET verified_in_person_at = now() WHERE id = $1', [id]);
  if (role) {
    const { rows } = await services.db.query<{ eid: string }>('SELECT eid FROM persons WHERE id = $1', [id]);
    await services.staff.add({ eid: rows[0]!.eid, role, officeCode: role === 'registrar_admin' ? null : officeCode }, 'test');
  }
  return { id, username, key };
}

// On the sign-in page: the passkey ceremony, as public/passkeys.js runs it.
export async function usePasskey(hawiya: RunningHawiya, agent: UserAgent, page: Page, key: SoftAuthenticator): Promise<Page> {
  const base = new URL(page.url).pathname;
  const csrf = hiddenInput(page.html, 'csrf');
  const response = await agent.request(`${hawiya.url}${base}/passkey/options`, { form: { csrf } });
  const { challengeId, options } = await response.json() as { challengeId: string; options: { challenge: string; rpId?: string } };
  return agent.navigate(`${hawiya.url}${base}/passkey`, { form: { csrf, challengeId, response: JSON.stringify(key.authenticate(options, hawiya.url)) } });
}

// Opens a counter page; when sent to sign in, signs in with the passkey and lands on it.
export async function openAsStaff(hawiya: RunningHawiya, agent: UserAgent, path: string, person: StaffPerson): Promise<Page> {
  const page = await agent.navigate(`${hawiya.url}${path}`);
  return page.url.includes('/interaction/') ? usePasskey(hawiya, agent, page, person.key) : page;
}

// A citizen's own online registration, through the domain (the pages are another's work).
export async function applyOnline(hawiya: RunningHawiya, record: RegistryRecord, officeCode = 'POST-A', extra: { usernameAlias?: string } = {}): Promise<Application> {
  const { services } = hawiya.hawiya;
  return submitApplication(
    { db: services.db, clock: services.clock, registry: services.registry, eidLength: services.config.register.eidLength, applicationDays: services.config.enrolment.applicationDays },
    {
      civilNumber: record.civilNumber, givenName: record.names.lat.given, familyName: record.names.lat.family, birthDate: record.birthDate,
      email: 'citizen@example.org', officeCode, locale: record.locale, ...extra,
    },
    {},
  );
}

// The evidence form as a clerk fills it, for a document valid for years yet.
export function evidenceForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    documentType: 'idcard', documentNumber: 'AB123456', issuer: 'Ministry of Interior',
    'expiresOn-day': '31', 'expiresOn-month': '12', 'expiresOn-year': String(new Date().getUTCFullYear() + 5),
    photoMatches: 'yes', documentGenuine: 'yes', ...overrides,
  };
}
