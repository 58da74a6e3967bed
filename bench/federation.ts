// `npm exec -- node bench/federation.ts`: what each client authentication and
// sender-constraining feature costs at the token endpoint, against client_secret_basic,
// on one Hawiya server in the same run. All three are client_credentials grants:
//   client_secret_basic         the baseline
//   private_key_jwt             a fresh signed client assertion per request (RFC 7523)
//   client_secret_basic + DPoP  a fresh DPoP proof per request, with the server's nonce
// Assertions and proofs are made before each round (and on the fly only if a round
// outruns them), so the load generator's signing weighs little on the shared CPU.
// Settings as bench/run.ts: BENCH_SECONDS, BENCH_ROUNDS, BENCH_WARMUP_SECONDS,
// BENCH_CONNECTIONS, DATABASE_URL. See bench/README.md.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import type { JWK } from 'jose';
import { BENCH_CLIENT, basicAuthorization } from './lib/fixtures.ts';
import { cpuTimeOf, registerClientsIn, startHawiya, stopServers, type RunningServer } from './lib/servers.ts';
import { hammerFresh, type FreshRequest } from './lib/load.ts';
import { wholeNumber } from './lib/settings.ts';
import type { ClientMetadata } from '../src/oidc/clients.ts';
import { runBenchmark } from './lib/run-main.ts';

const FORM = 'application/x-www-form-urlencoded';
const SECRET = 'bench-dpop-secret-not-for-production-0123456789abcdef';

interface Scenario {
  name: string;
  // Made ahead of a round: `count` requests, each good once.
  prepare(count: number): Promise<FreshRequest[]>;
  // When a round outruns what was prepared.
  makeOne(): FreshRequest;
}

interface Measured {
  answered: number;
  seconds: number;
  cpuMicroseconds: number;
  worstP99Ms: number;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function es256Jwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

function es256Key(): { privateKey: KeyObject; publicJwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), publicJwk: publicKey.export({ format: 'jwk' }) as JWK };
}

function basicScenario(): Scenario {
  const request = { headers: { authorization: basicAuthorization(BENCH_CLIENT), 'content-type': FORM }, body: 'grant_type=client_credentials' };
  return { name: 'client_secret_basic', prepare: async () => [], makeOne: () => request };
}

function privateKeyJwtScenario(url: string, client: { id: string; key: KeyObject; kid: string }): Scenario {
  const makeOne = (): FreshRequest => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = es256Jwt({ alg: 'ES256', kid: client.kid }, { iss: client.id, sub: client.id, aud: url, jti: randomUUID(), iat: now, exp: now + 300 }, client.key);
    return {
      headers: { 'content-type': FORM },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }).toString(),
    };
  };
  return { name: 'private_key_jwt', prepare: async (count) => Array.from({ length: count }, makeOne), makeOne };
}

function dpopScenario(url: string, client: ClientMetadata): Scenario {
  const key = es256Key();
  const { kid: _kid, ...jwk } = key.publicJwk;
  let nonce = '';
  const authorization = basicAuthorization(client);
  const makeOne = (): FreshRequest => ({
    headers: {
      authorization, 'content-type': FORM,
      dpop: es256Jwt({ alg: 'ES256', typ: 'dpop+jwt', jwk }, { htm: 'POST', htu: `${url}/token`, jti: randomUUID(), iat: Math.floor(Date.now() / 1000), nonce }, key.privateKey),
    },
    body: 'grant_type=client_credentials',
  });
  return {
    name: 'client_secret_basic + DPoP',
    // RFC 9449 §8: the first proof is answered with use_dpop_nonce and the nonce to use.
    async prepare(count) {
      nonce = '';
      const challenge = await fetch(`${url}/token`, { method: 'POST', ...makeOne() });
      nonce = challenge.headers.get('dpop-nonce') ?? '';
      if (!nonce) throw new Error(`no DPoP nonce from ${url}/token (answered ${challenge.status}: ${await challenge.text()})`);
      return Array.from({ length: count }, makeOne);
    },
    makeOne,
  };
}

async function round(server: RunningServer, scenario: Scenario, count: number, options: { seconds: number; connections: number }): Promise<Measured> {
  const prepared = await scenario.prepare(count);
  const before = await cpuTimeOf(server);
  const result = await hammerFresh(server.url, '/token', () => prepared.pop() ?? scenario.makeOne(), options);
  return { answered: result.answered, seconds: result.seconds, cpuMicroseconds: (await cpuTimeOf(server)) - before, worstP99Ms: result.p99Ms };
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const seconds = wholeNumber('BENCH_SECONDS', 5);
  const rounds = wholeNumber('BENCH_ROUNDS', 5);
  const warmupSeconds = wholeNumber('BENCH_WARMUP_SECONDS', 1);
  const connections = wholeNumber('BENCH_CONNECTIONS', 10);
  const databaseUrl = process.env.DATABASE_URL || undefined;
  const watchdog = setTimeout(() => {
    process.stderr.write('bench: the run went past its time bound; stopping\n');
    stopServers();
    process.exit(1);
  }, (120 + 3 * (seconds + warmupSeconds + 10 * rounds)) * 1000);

  say(`starting Hawiya (${databaseUrl ? 'PostgreSQL from DATABASE_URL' : 'PGlite in memory'})…`);
  const hawiya = await startHawiya(databaseUrl);
  const assertionKey = es256Key();
  const kid = 'bench-key';
  const dpopClient: ClientMetadata = { ...BENCH_CLIENT, client_id: 'bench-dpop', client_secret: SECRET, dpop_bound_access_tokens: true };
  await registerClientsIn(hawiya, [
    {
      client_id: 'bench-pkjwt', grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [{ ...assertionKey.publicJwk, kid, alg: 'ES256', use: 'sig' }] },
    },
    dpopClient,
  ]);
  const scenarios = [basicScenario(), privateKeyJwtScenario(hawiya.url, { id: 'bench-pkjwt', key: assertionKey.privateKey, kid }), dpopScenario(hawiya.url, dpopClient)];
  say(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}; Hawiya storage: ${hawiya.backend}`);
  say(`load: autocannon, ${connections} connections, ${seconds} s per scenario in ${rounds} rounds, the order rotating each round, after ${warmupSeconds} s warm-up`);

  const slice = { seconds: seconds / rounds, connections };
  // Enough fresh requests for a slice at the rate seen so far, with room to spare.
  const rate = new Map<Scenario, number>(scenarios.map((scenario) => [scenario, 3000]));
  const measured = new Map<Scenario, Measured[]>(scenarios.map((scenario) => [scenario, []]));
  for (const scenario of scenarios) await round(hawiya, scenario, Math.ceil(3000 * warmupSeconds * 1.5), { seconds: warmupSeconds, connections });
  for (let index = 0; index < rounds; index++) {
    const order = scenarios.map((_, at) => scenarios[(at + index) % scenarios.length]!);
    for (const scenario of order) {
      const result = await round(hawiya, scenario, Math.ceil(rate.get(scenario)! * slice.seconds * 1.5) + 500, slice);
      rate.set(scenario, result.answered / result.seconds);
      measured.get(scenario)!.push(result);
    }
  }

  const totals = scenarios.map((scenario) => {
    const runs = measured.get(scenario)!;
    const sum = (pick: (run: Measured) => number) => runs.reduce((total, run) => total + pick(run), 0);
    return { name: scenario.name, perSecond: sum((run) => run.answered) / sum((run) => run.seconds), cpuUs: sum((run) => run.cpuMicroseconds) / sum((run) => run.answered), p99: Math.max(...runs.map((run) => run.worstP99Ms)) };
  });
  const [baseline] = totals;
  say('\n| token request (client_credentials) | req/s | throughput ratio to client_secret_basic | server CPU µs/req | CPU cost ratio | p99 ms |');
  say('| --- | --- | --- | --- | --- | --- |');
  for (const row of totals) {
    say(`| ${row.name} | ${row.perSecond.toFixed(0)} | ${(row.perSecond / baseline!.perSecond).toFixed(2)} | ${row.cpuUs.toFixed(0)} | ${(row.cpuUs / baseline!.cpuUs).toFixed(2)} | ${row.p99} |`);
  }
  clearTimeout(watchdog);
}

runBenchmark(main);
