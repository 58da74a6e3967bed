// Demo data: fictional persons with accounts, and the example relying parties' clients.
// Idempotent: a second run changes nothing and prints the same JSON (client secrets are
// read back, persons found by civil number).
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadCa } from '../signing/ca.ts';
import type { Services } from '../app.ts';
import { writeRegistryFile } from '../register/generate.ts';
import { setAccountPassword } from '../authn/accounts.ts';
import { generateClientSecret, needsSecret, type ClientMetadata } from '../oidc/clients.ts';
import { enterPerson } from '../register/register.ts';
import type { RegistryRecord } from '../register/person.ts';

export interface DemoSeed {
  accounts: Array<{ username: string; password: string; name: string }>;
  clients: Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }>;
}

interface DemoPerson {
  record: RegistryRecord;
  // An alias the person chose, or their e-ID number when null.
  alias: string | null;
  // The passwords open only the demo and are printed by `demo seed --json`.
  password: string;
}

// Fictional people, with valid (Luhn-checked) but invented civil numbers.
const DEMO_PERSONS: DemoPerson[] = [
  {
    alias: null,
    password: 'demo-amina-2026!',
    record: {
      civilNumber: '2880412008', birthDate: '1988-04-12', birthplace: 'Wadi Nour', sex: 'F', nationality: 'HWY', status: 'alive', version: 1, locale: 'ar',
      names: { ar: { given: 'أمينة', father: 'خالد', grandfather: 'عمر', family: 'حداد' }, lat: { given: 'Amina', father: 'Khaled', grandfather: 'Omar', family: 'Haddad' } },
    },
  },
  {
    alias: 'youssef',
    password: 'demo-youssef-2026!',
    record: {
      civilNumber: '1751130004', birthDate: '1975-11-30', birthplace: 'Ras El Ma', sex: 'M', nationality: 'HWY', status: 'alive', version: 1, locale: 'fr',
      names: { ar: { given: 'يوسف', father: 'محمد', grandfather: 'علي', family: 'بن علي' }, lat: { given: 'Youssef', father: 'Mohamed', grandfather: 'Ali', family: 'Benali' } },
    },
  },
];

export function demoClients(ports: { portal: number; payments: number; mobile: number }): ClientMetadata[] {
  return [
    {
      client_id: 'demo-portal', client_name: 'Citizen portal',
      redirect_uris: [`http://localhost:${ports.portal}/callback`], post_logout_redirect_uris: [`http://localhost:${ports.portal}/`],
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'demo-payments', client_name: 'Payment gateway',
      redirect_uris: [`http://localhost:${ports.payments}/callback`], post_logout_redirect_uris: [`http://localhost:${ports.payments}/`],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'demo-mobile', client_name: 'Mobile app', application_type: 'native',
      redirect_uris: [`http://127.0.0.1:${ports.mobile}/callback`], post_logout_redirect_uris: [`http://127.0.0.1:${ports.mobile}/`],
      grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none',
    },
  ];
}

async function seedPerson(services: Services, demo: DemoPerson): Promise<DemoSeed['accounts'][number]> {
  const person = await enterPerson(services, demo.record, { actor: 'cli' });
  const username = demo.alias ?? person.eid;
  const existing = await services.accounts.findById(person.id);
  if (!existing || existing.username !== username || existing.passwordHash === null || !(await services.hasher.verify(existing.passwordHash, demo.password))) {
    await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: person.id, username, password: demo.password, actor: 'cli' }));
  }
  return { username, password: demo.password, name: `${demo.record.names.lat.given} ${demo.record.names.lat.family}` };
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

export async function seedDemo(services: Services, ports = { portal: 4000, payments: 4100, mobile: 4200 }): Promise<DemoSeed> {
  const seed: DemoSeed = { accounts: [], clients: [] };
  await ensureDemoRegistry(services);
  // The demo signs with a CA of its own, made once (in production: `hawiya ca init`).
  if (!(await loadCa(services.db))) await services.signing.initCa('demo');
  for (const demo of DEMO_PERSONS) seed.accounts.push(await seedPerson(services, demo));
  for (const metadata of demoClients(ports)) {
    const existing = await services.clients.find(metadata.client_id);
    const secret = needsSecret(metadata) ? (existing?.client_secret as string | undefined) ?? generateClientSecret() : undefined;
    const full = secret ? { ...metadata, client_secret: secret } : metadata;
    await services.provider.current().Client.validate(full);
    await services.clients.save(full);
    seed.clients.push({ client_id: metadata.client_id, ...(secret ? { client_secret: secret } : {}), redirect_uris: metadata.redirect_uris as string[] });
  }
  return seed;
}
