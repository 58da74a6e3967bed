// The client and the account both servers are given, and the configuration they share.
import { createServer } from 'node:net';
import { loadConfig, type Config } from '../../src/config.ts';
import type { ClientMetadata } from '../../src/oidc/clients.ts';
import { argon2Setting } from './settings.ts';
import { luhnCheckDigit, type RegistryRecord } from '../../src/register/person.ts';

// Never fetched: the flow stops at the redirect to it and reads the code.
export const REDIRECT_URI = 'http://localhost:9/callback';

// An agency with one API: client-credentials tokens for it are RFC 9068 JWTs, the kind an
// agency's services ask for to call each other.
export const BENCH_AGENCY = { code: 'bench', names: { ar: 'وكالة القياس', fr: 'Agence de mesure', en: 'Benchmark agency' } };
export const BENCH_API = { identifier: 'https://api.bench.example/', agency: 'bench', scopes: ['bench:read'] };

export const BENCH_CLIENT: ClientMetadata = {
  client_id: 'bench-client',
  hawiya_agency: BENCH_AGENCY.code,
  client_secret: 'bench-secret-not-for-production-0123456789abcdef',
  client_name: 'Benchmark client',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'client_credentials'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
};

// A fictional person of the register, who signs in with an alias and a password.
export const BENCH_PERSON: RegistryRecord = {
  civilNumber: `900000001${luhnCheckDigit('900000001')}`,
  birthDate: '1990-01-01', birthplace: 'Benchmark', sex: 'F', nationality: 'HWY', status: 'alive', version: 1, locale: 'en',
  names: {
    ar: { given: 'اختبار', father: 'اختبار', grandfather: 'اختبار', family: 'اختبار' },
    lat: { given: 'Bench', father: 'Load', grandfather: 'Test', family: 'User' },
  },
};

export const BENCH_ACCOUNT = { username: 'bench-user', password: 'bench-password-2026!' };

export function basicAuthorization(client: ClientMetadata): string {
  const id = encodeURIComponent(client.client_id);
  const secret = encodeURIComponent(String(client.client_secret));
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

// The test environment's configuration on a loopback port, silent.
export function benchConfig(port: number, databaseUrl: string | undefined): Config {
  return loadConfig({ NODE_ENV: 'test' }, {
    overrides: {
      port,
      host: '127.0.0.1',
      issuer: `http://127.0.0.1:${port}`,
      logLevel: 'silent',
      // The benchmark stops its servers at once; no load balancer needs time to notice.
      shutdownDelaySeconds: 0,
      argon2: { ...argon2Setting() },
      ...(databaseUrl ? { databaseUrl } : {}),
    },
  });
}

// A port nobody listens on now; the caller binds it straight away.
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free loopback port');
  return address.port;
}
