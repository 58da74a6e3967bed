// Demo data: fictional accounts and the example relying parties' clients. Idempotent: a
// second run changes nothing and prints the same JSON (client secrets are read back).
import type { Services } from '../app.ts';
import { upsertAccount } from '../authn/accounts.ts';
import { generateClientSecret, needsSecret, type ClientMetadata } from '../oidc/clients.ts';

export interface DemoSeed {
  accounts: Array<{ username: string; password: string; name: string }>;
  clients: Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }>;
}

// Fictional people. The passwords open only the demo and are printed by `demo seed --json`.
const DEMO_ACCOUNTS = [
  { username: 'amina', password: 'demo-amina-2026!', claims: { name: 'Amina Haddad', given_name: 'Amina', family_name: 'Haddad', birthdate: '1988-04-12', locale: 'ar' } },
  { username: 'youssef', password: 'demo-youssef-2026!', claims: { name: 'Youssef Benali', given_name: 'Youssef', family_name: 'Benali', birthdate: '1975-11-30', locale: 'fr' } },
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

export async function seedDemo(services: Services, ports = { portal: 4000, payments: 4100, mobile: 4200 }): Promise<DemoSeed> {
  const seed: DemoSeed = { accounts: [], clients: [] };
  for (const account of DEMO_ACCOUNTS) {
    const existing = await services.accounts.findByUsername(account.username);
    if (!existing || !(await services.hasher.verify(existing.passwordHash, account.password))) {
      await upsertAccount(services, account);
    }
    seed.accounts.push({ username: account.username, password: account.password, name: account.claims.name });
  }
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
