// Demo data: fictional persons with accounts, fictional offices with two of those persons
// on their staff, the agencies (agencies.ts) with one person as finance staff of two of
// them, and the example relying parties' clients, each under its agency.
// Idempotent: a second run changes nothing and prints the same JSON (client secrets are
// read back, persons found by civil number, the examples' keys read from DATA_DIR).
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { generate } from 'otplib';
import { beginTotpEnrolment, confirmTotpEnrolment, hasTotp } from '../authn/totp.ts';
import { loadCa } from '../signing/ca.ts';
import type { Services } from '../app.ts';
import { writeRegistryFile } from '../register/generate.ts';
import { setAccountPassword } from '../authn/accounts.ts';
import { generateClientSecret, needsSecret, type ClientMetadata } from '../oidc/clients.ts';
import { validateMetadata, withinAgency } from '../oidc/onboarding.ts';
import type { AgencyRole } from '../oidc/agency-roles.ts';
import { seedAgencies, DIGITAL_SERVICES, TREASURY } from './agencies.ts';
import { enterPerson } from '../register/register.ts';
import { ensureDemoPasskey } from './demo-passkey.ts';
import type { RegistryRecord } from '../register/person.ts';
import { officeSchema, type Office } from '../enrolment/offices.ts';
import type { StaffRole } from '../enrolment/staff.ts';

export interface DemoSeed {
  // totp_secret: the authenticator-app secret of a person who has one (base32).
  // agency_roles: the person's roles at agencies, as Hawiya releases them ("finance:police").
  // passkey_file: the person's passkey, for a browser's virtual authenticator (demo-passkey.ts).
  accounts: Array<{ username: string; password: string; name: string; totp_secret?: string; passkey_file?: string; staff?: { role: StaffRole; office: string }; agency_roles?: string[] }>;
  clients: Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }>;
}

interface DemoPerson {
  record: RegistryRecord;
  // An alias the person chose, or their e-ID number when null.
  alias: string | null;
  // The passwords open only the demo and are printed by `demo seed --json`.
  password: string;
  // A place on an office's staff, to try the counter app (/office).
  staff?: { role: StaffRole; office: string };
  // An authenticator app, for a person who signs in at substantial (fixed, like the
  // password, so the demo prints the same secret every time).
  totpSecret?: string;
  // Roles at agencies (the gateway's finance back office).
  agencyRoles?: Array<{ agency: string; role: AgencyRole }>;
  // A passkey on a device of its own (not synced), on an account verified in person at an
  // office: the high level.
  passkey?: true;
}

// Fictional offices, named after the demo's fictional places; no real emblem or office.
const DEMO_OFFICES: Office[] = [
  { code: 'WADI-NOUR-PO', kind: 'post', region: 'Wadi Nour', active: true, names: { ar: 'مكتب بريد وادي النور', fr: 'Bureau de poste de Wadi Nour', en: 'Wadi Nour post office' } },
  { code: 'RAS-ELMA-INT', kind: 'interior', region: 'Ras El Ma', active: true, names: { ar: 'مكتب وزارة الداخلية برأس الماء', fr: 'Bureau du ministère de l\'Intérieur de Ras El Ma', en: 'Ras El Ma interior-ministry office' } },
  { code: 'WADI-SALAM-PO', kind: 'post', region: 'Wadi Salam', active: true, names: { ar: 'مكتب بريد وادي السلام', fr: 'Bureau de poste de Wadi Salam', en: 'Wadi Salam post office' } },
];

// Fictional people, with valid (Luhn-checked) but invented civil numbers.
const DEMO_PERSONS: DemoPerson[] = [
  {
    alias: null,
    password: 'demo-amina-2026!',
    staff: { role: 'clerk', office: 'WADI-NOUR-PO' },
    record: {
      civilNumber: '2880412008', birthDate: '1988-04-12', birthplace: 'Wadi Nour', sex: 'F', nationality: 'HWY', status: 'alive', version: 1, locale: 'ar',
      names: { ar: { given: 'أمينة', father: 'خالد', grandfather: 'عمر', family: 'حداد' }, lat: { given: 'Amina', father: 'Khaled', grandfather: 'Omar', family: 'Haddad' } },
    },
  },
  {
    alias: 'youssef',
    password: 'demo-youssef-2026!',
    staff: { role: 'supervisor', office: 'WADI-NOUR-PO' },
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    record: {
      civilNumber: '1751130004', birthDate: '1975-11-30', birthplace: 'Ras El Ma', sex: 'M', nationality: 'HWY', status: 'alive', version: 1, locale: 'fr',
      names: { ar: { given: 'يوسف', father: 'محمد', grandfather: 'علي', family: 'بن علي' }, lat: { given: 'Youssef', father: 'Mohamed', grandfather: 'Ali', family: 'Benali' } },
    },
  },
  {
    alias: 'karim',
    password: 'demo-karim-2026!',
    totpSecret: 'KRUGS4ZANFZSAYJAMRSW233LMV4TEMBS',
    agencyRoles: [{ agency: 'interior', role: 'finance' }, { agency: 'police', role: 'finance' }],
    record: {
      civilNumber: '1920607007', birthDate: '1992-06-07', birthplace: 'Wadi Salam', sex: 'M', nationality: 'HWY', status: 'alive', version: 1, locale: 'en',
      names: { ar: { given: 'كريم', father: 'سعيد', grandfather: 'حسن', family: 'المنصوري' }, lat: { given: 'Karim', father: 'Said', grandfather: 'Hassan', family: 'Mansouri' } },
    },
  },
  {
    alias: 'leila',
    password: 'demo-leila-2026!',
    passkey: true,
    record: {
      civilNumber: '2990315000', birthDate: '1999-03-15', birthplace: 'Wadi Nour', sex: 'F', nationality: 'HWY', status: 'alive', version: 1, locale: 'ar',
      names: { ar: { given: 'ليلى', father: 'أحمد', grandfather: 'يوسف', family: 'الزين' }, lat: { given: 'Leila', father: 'Ahmed', grandfather: 'Youssef', family: 'Ezzine' } },
    },
  },
];

export interface DemoPorts {
  portal: number;
  payments: number;
  mobile: number;
}

export const DEMO_PORTS: DemoPorts = { portal: 4000, payments: 4100, mobile: 4200 };

// The examples' own signing keys (private_key_jwt, and the JWTs the portal and the
// gateway send each other): each example reads its private key from this file
// (examples/shared/client-key.ts names the same place); Hawiya gets the public half.
export function exampleKeyFile(dataDir: string, clientId: string): string {
  return join(dataDir, 'examples', clientId, 'signing-key.json');
}

async function ensureExampleKey(dataDir: string, clientId: string): Promise<JWK> {
  const file = exampleKeyFile(dataDir, clientId);
  if (!existsSync(file)) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...(await exportJWK(privateKey)), kid: `${clientId}-1` }), { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  return { ...publicJwk, alg: 'ES256', use: 'sig' };
}

// The three example relying parties, each registered for its agency (agencies.ts). The
// portal and its app belong to one agency, so they share its pairwise sector and see the
// same `sub`; the gateway, the Treasury's, sees another. The gateway may ask for the
// person's agency roles (its back office) and for payment_initiation details, which ride
// on the Treasury's payment API (DEMO_PAYMENTS_API).
export function demoClients(ports: DemoPorts, keys: { portal: JWK; payments: JWK }): ClientMetadata[] {
  const portal = `http://localhost:${ports.portal}`;
  const payments = `http://localhost:${ports.payments}`;
  const mobile = `http://127.0.0.1:${ports.mobile}`;
  return [
    {
      client_id: 'demo-portal', client_name: 'Citizen portal',
      redirect_uris: [`${portal}/callback`], post_logout_redirect_uris: [`${portal}/`],
      grant_types: ['authorization_code'], token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [keys.portal] }, require_pushed_authorization_requests: true,
      // Forms are signed with the citizen's remote key: each signature is approved with
      // authorization details of type credential (docs/signatures.md).
      authorization_details_types: ['credential'],
      hawiya_agency: DIGITAL_SERVICES, scope: 'openid profile',
      backchannel_logout_uri: `${portal}/backchannel-logout`, backchannel_logout_session_required: true,
    },
    {
      client_id: 'demo-payments', client_name: 'Payment gateway',
      redirect_uris: [`${payments}/callback`], post_logout_redirect_uris: [`${payments}/signed-out`],
      grant_types: ['authorization_code'], token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [keys.payments] }, require_pushed_authorization_requests: true,
      authorization_details_types: ['payment_initiation'],
      hawiya_agency: TREASURY, scope: 'openid profile agency_roles',
      backchannel_logout_uri: `${payments}/backchannel-logout`, backchannel_logout_session_required: true,
    },
    {
      client_id: 'demo-mobile', client_name: 'Mobile app', application_type: 'native',
      redirect_uris: [`${mobile}/callback`], post_logout_redirect_uris: [`${mobile}/`],
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
      hawiya_agency: DIGITAL_SERVICES, scope: 'openid offline_access profile',
      backchannel_logout_uri: `${mobile}/backchannel-logout`, backchannel_logout_session_required: true,
    },
  ];
}

const sameMetadata = (stored: Record<string, unknown>, wanted: Record<string, unknown>) =>
  Object.keys(stored).length === Object.keys(wanted).length
  && Object.entries(wanted).every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));

async function seedPerson(services: Services, demo: DemoPerson): Promise<DemoSeed['accounts'][number]> {
  const person = await enterPerson(services, demo.record, { actor: 'cli' });
  const username = demo.alias ?? person.eid;
  const existing = await services.accounts.findById(person.id);
  if (!existing || existing.username !== username || existing.passwordHash === null || !(await services.hasher.verify(existing.passwordHash, demo.password))) {
    await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: person.id, username, password: demo.password, actor: 'cli' }));
  }
  if (demo.totpSecret && !(await hasTotp(services.db, person.id))) {
    await beginTotpEnrolment(services, person.id, username, demo.totpSecret);
    // Confirmed with the previous time step's code, so the current step's code still
    // signs in at once (each step is accepted only once, and only after the last one used).
    const previousStep = Math.floor(services.clock.now().getTime() / 1000) - 30;
    if (!(await confirmTotpEnrolment(services, person.id, await generate({ secret: demo.totpSecret, epoch: previousStep })))) throw new Error('the demo authenticator app could not be confirmed');
  }
  if (demo.staff || demo.passkey) await markVerifiedInPerson(services, person.id);
  const passkeyFile = demo.passkey ? await ensureDemoPasskey(services, { id: person.id, username }, services.config.dataDir) : undefined;
  if (demo.staff) await seedStaff(services, person.id, person.eid, demo.staff);
  // add() changes nothing, and audits nothing, when the role is held already.
  for (const held of demo.agencyRoles ?? []) await services.agencyStaff.add({ eid: person.eid, ...held }, 'cli');
  return {
    username, password: demo.password, name: `${demo.record.names.lat.given} ${demo.record.names.lat.family}`,
    ...(demo.totpSecret ? { totp_secret: demo.totpSecret } : {}), ...(passkeyFile ? { passkey_file: passkeyFile } : {}), ...(demo.staff ? { staff: demo.staff } : {}),
    ...(demo.agencyRoles ? { agency_roles: demo.agencyRoles.map((held) => `${held.role}:${held.agency}`).sort() } : {}),
  };
}

// The high level needs a device-bound passkey on an account verified in person. Demo
// staff (the counter asks for high) and the passkey holder are marked verified, though
// they never met a clerk, so a passkey is enough.
async function markVerifiedInPerson(services: Services, personId: string): Promise<void> {
  await services.db.query('UPDATE accounts SET verified_in_person_at = COALESCE(verified_in_person_at, $2) WHERE id = $1', [personId, services.clock.now()]);
}

// Written only when missing, so a second run audits nothing.
async function seedStaff(services: Services, personId: string, eid: string, staff: NonNullable<DemoPerson['staff']>): Promise<void> {
  const current = await services.staff.find(personId);
  if (current?.role !== staff.role || current.officeCode !== staff.office) await services.staff.add({ eid, role: staff.role, officeCode: staff.office }, 'cli');
}

async function seedOffices(services: Services): Promise<void> {
  for (const office of DEMO_OFFICES) {
    const stored = await services.offices.find(office.code);
    // Both through the schema, so the keys come in one order.
    if (!stored || JSON.stringify(officeSchema.parse(stored)) !== JSON.stringify(officeSchema.parse(office))) await services.offices.save(office, 'cli');
  }
}

// The embedded civil registry: a generated fictional population, with the demo persons
// in it, written once.
async function ensureDemoRegistry(services: Services): Promise<void> {
  const { registry } = services.config;
  if (registry.connector !== 'file' || !registry.file || existsSync(registry.file)) return;
  mkdirSync(dirname(registry.file), { recursive: true });
  await writeRegistryFile(registry.file, { count: 1000, seed: 1 });
  appendFileSync(registry.file, DEMO_PERSONS.map((demo) => `${JSON.stringify(demo.record)}\n`).join(''));
}

export async function seedDemo(services: Services, ports: DemoPorts = DEMO_PORTS): Promise<DemoSeed> {
  const seed: DemoSeed = { accounts: [], clients: [] };
  await ensureDemoRegistry(services);
  await seedOffices(services);
  // The demo signs with a CA of its own, made once (in production: `hawiya ca init`).
  if (!(await loadCa(services.db))) await services.signing.initCa('demo');
  await seedAgencies(services);
  for (const demo of DEMO_PERSONS) seed.accounts.push(await seedPerson(services, demo));
  const { dataDir } = services.config;
  const keys = { portal: await ensureExampleKey(dataDir, 'demo-portal'), payments: await ensureExampleKey(dataDir, 'demo-payments') };
  for (const metadata of demoClients(ports, keys)) {
    const existing = await services.clients.find(metadata.client_id);
    const secret = needsSecret(metadata) ? (existing?.client_secret as string | undefined) ?? generateClientSecret() : undefined;
    const full = secret ? { ...metadata, client_secret: secret } : metadata;
    // As an operator registers an agency's client: within the agency's scopes, validated
    // by the provider; written (and audited) only when it changed.
    await withinAgency(services.agencies, full);
    await validateMetadata(services.provider.current(), full);
    if (!existing || !sameMetadata(existing, full)) await services.clients.save(full, 'cli');
    seed.clients.push({ client_id: metadata.client_id, ...(secret ? { client_secret: secret } : {}), redirect_uris: metadata.redirect_uris as string[] });
  }
  return seed;
}
