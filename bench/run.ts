// `npm run bench`: Hawiya against a bare oidc-provider (same keys, same configuration, the
// library's in-memory storage), one server at a time, each in its own process; then full
// password sign-ins against the cost of one argon2id hash. See bench/README.md.
//
// Settings (environment, defaults in brackets): BENCH_SECONDS (5) per side and scenario,
// split into BENCH_ROUNDS (5) alternating rounds; BENCH_WARMUP_SECONDS (1);
// BENCH_CONNECTIONS (10); BENCH_SIGNINS (20); BENCH_HASHES (20);
// BENCH_SIGNIN_CONCURRENCY ("1,2"); DATABASE_URL (Hawiya on PostgreSQL, not PGlite).
import { availableParallelism, cpus, totalmem } from 'node:os';
import { BENCH_ACCOUNT, BENCH_API, BENCH_CLIENT, REDIRECT_URI, basicAuthorization } from './lib/fixtures.ts';
import { cpuTimeOf, startBare, startHawiya, stopServers, timeHashesIn, type RunningServer } from './lib/servers.ts';
import { checkEndpoint, hammer, type Endpoint, type Throughput } from './lib/load.ts';
import { timeSignIns, type SignInSubject } from './lib/sign-in-flow.ts';
import { othersShare, sampleMachine, type MachineSample } from './lib/machine.ts';
import { signInTable, throughputTable, type SignInRow, type ThroughputRow } from './lib/report.ts';
import { argon2Setting, wholeNumber } from './lib/settings.ts';
import { runBenchmark } from './lib/run-main.ts';

interface Settings {
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  connections: number;
  signIns: number;
  hashes: number;
  signInConcurrency: number[];
  databaseUrl: string | undefined;
}

interface ThroughputScenario {
  name: string;
  endpoint: Endpoint;
  target: number;
  looksRight(body: unknown): boolean;
}

const SIGN_IN_TARGET = 1.15;

function readSettings(): Settings {
  const concurrency = (process.env.BENCH_SIGNIN_CONCURRENCY ?? '1,2').split(',').map((part) => part.trim());
  if (concurrency.some((part) => !/^\d+$/.test(part) || Number(part) < 1)) throw new Error('BENCH_SIGNIN_CONCURRENCY: expected whole numbers, e.g. "1,2"');
  return {
    seconds: wholeNumber('BENCH_SECONDS', 5),
    rounds: wholeNumber('BENCH_ROUNDS', 5),
    warmupSeconds: wholeNumber('BENCH_WARMUP_SECONDS', 1),
    connections: wholeNumber('BENCH_CONNECTIONS', 10),
    signIns: wholeNumber('BENCH_SIGNINS', 20),
    hashes: wholeNumber('BENCH_HASHES', 20),
    signInConcurrency: concurrency.map(Number),
    databaseUrl: process.env.DATABASE_URL || undefined,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function throughputScenarios(): ThroughputScenario[] {
  return [
    {
      name: 'GET discovery',
      endpoint: { path: '/.well-known/openid-configuration', method: 'GET' },
      target: 0.9,
      looksRight: (body) => isObject(body) && typeof body.issuer === 'string',
    },
    {
      name: 'GET JWKS',
      endpoint: { path: '/jwks', method: 'GET' },
      target: 0.9,
      looksRight: (body) => isObject(body) && Array.isArray(body.keys) && body.keys.length > 0,
    },
    {
      name: 'POST token (client_credentials)',
      endpoint: {
        path: '/token',
        method: 'POST',
        headers: { authorization: basicAuthorization(BENCH_CLIENT), 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      },
      target: 0.8,
      looksRight: (body) => isObject(body) && typeof body.access_token === 'string',
    },
    {
      // An agency's service calling another agency API: an RFC 9068 JWT, signed, not stored.
      name: 'POST token (client_credentials, JWT for an agency API)',
      endpoint: {
        path: '/token',
        method: 'POST',
        headers: { authorization: basicAuthorization(BENCH_CLIENT), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: BENCH_API.identifier, scope: BENCH_API.scopes[0]! }).toString(),
      },
      target: 0.8,
      looksRight: (body) => isObject(body) && typeof body.access_token === 'string' && body.access_token.split('.').length === 3,
    },
  ];
}

// Time bound for the whole run: generous, but a hang ends it.
function timeBoundMs(settings: Settings, scenarios: number): number {
  const load = scenarios * 2 * (settings.seconds + settings.warmupSeconds + 5 * settings.rounds + 10);
  const signIns = settings.signInConcurrency.length * (settings.signIns + settings.hashes + 4) * 5;
  return (120 + load + signIns) * 1000;
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

// Alternate sides round by round (H B, B H, H B, …) so that whatever else the machine
// is doing weighs on both alike; a side's rate is all its answers over all its seconds.
async function measureScenario(scenario: ThroughputScenario, hawiya: RunningServer, bare: RunningServer, settings: Settings): Promise<ThroughputRow> {
  const slice = { seconds: settings.seconds / settings.rounds, connections: settings.connections };
  const warmup = { seconds: settings.warmupSeconds, connections: settings.connections };
  const rounds = new Map<RunningServer, Round[]>([[hawiya, []], [bare, []]]);
  for (const server of [hawiya, bare]) {
    await checkEndpoint(server.url, scenario.endpoint, scenario.looksRight);
    await hammer(server.url, scenario.endpoint, warmup);
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const server of round % 2 === 0 ? [hawiya, bare] : [bare, hawiya]) {
      rounds.get(server)!.push(await hammerCounting(server, scenario.endpoint, slice));
    }
  }
  const ofHawiya = combine(rounds.get(hawiya)!);
  const ofBare = combine(rounds.get(bare)!);
  say(`  ${scenario.name}: Hawiya ${ofHawiya.perSecond.toFixed(0)} req/s, bare ${ofBare.perSecond.toFixed(0)} req/s`);
  return {
    scenario: scenario.name, target: scenario.target,
    hawiya: ofHawiya.perSecond, bare: ofBare.perSecond,
    hawiyaP99Ms: ofHawiya.worstP99Ms, bareP99Ms: ofBare.worstP99Ms,
    hawiyaCpuUs: ofHawiya.cpuUsPerRequest, bareCpuUs: ofBare.cpuUsPerRequest,
  };
}

interface Round extends Throughput {
  cpuMicroseconds: number;
}

// A load round, and the CPU time the server spent on it: a steadier measure of cost than
// throughput on a shared machine.
async function hammerCounting(server: RunningServer, endpoint: Endpoint, options: { seconds: number; connections: number }): Promise<Round> {
  const before = await cpuTimeOf(server);
  const throughput = await hammer(server.url, endpoint, options);
  return { ...throughput, cpuMicroseconds: (await cpuTimeOf(server)) - before };
}

function combine(rounds: Round[]): { perSecond: number; worstP99Ms: number; cpuUsPerRequest: number } {
  const total = (pick: (round: Round) => number) => rounds.reduce((sum, round) => sum + pick(round), 0);
  const answered = total((round) => round.answered);
  return {
    perSecond: answered / total((round) => round.seconds),
    worstP99Ms: Math.max(...rounds.map((round) => round.p99Ms)),
    cpuUsPerRequest: total((round) => round.cpuMicroseconds) / answered,
  };
}

// Sign-ins and hashes alternate in rounds too; each side's time per item is its total
// wall time over its total count, at the same concurrency. Hawiya's CPU time (all its
// threads, argon2's included) is read around each batch as well.
async function measureSignIns(hawiya: RunningServer, concurrency: number, settings: Settings): Promise<SignInRow> {
  const subject: SignInSubject = { baseUrl: hawiya.url, client: BENCH_CLIENT, redirectUri: REDIRECT_URI, username: BENCH_ACCOUNT.username, password: BENCH_ACCOUNT.password };
  await timeSignIns(subject, 2 * concurrency, concurrency);
  await timeHashesIn(hawiya, 2 * concurrency, concurrency);
  const signInsPerRound = Math.ceil(settings.signIns / settings.rounds);
  const hashesPerRound = Math.ceil(settings.hashes / settings.rounds);
  const spent = { signInMs: 0, signInCpuUs: 0, hashMs: 0, hashCpuUs: 0 };
  let requestsPerSignIn = 0;
  const signIns = async () => {
    const before = await cpuTimeOf(hawiya);
    const timed = await timeSignIns(subject, signInsPerRound, concurrency);
    spent.signInCpuUs += (await cpuTimeOf(hawiya)) - before;
    spent.signInMs += timed.elapsedMs;
    requestsPerSignIn = timed.requestsPerSignIn;
  };
  const hashes = async () => {
    const before = await cpuTimeOf(hawiya);
    spent.hashMs += await timeHashesIn(hawiya, hashesPerRound, concurrency);
    spent.hashCpuUs += (await cpuTimeOf(hawiya)) - before;
  };
  for (let round = 0; round < settings.rounds; round++) {
    for (const step of round % 2 === 0 ? [signIns, hashes] : [hashes, signIns]) await step();
  }
  const signInCount = signInsPerRound * settings.rounds;
  const hashCount = hashesPerRound * settings.rounds;
  const row: SignInRow = {
    concurrency,
    signIns: signInCount,
    signInsPerSecond: signInCount / (spent.signInMs / 1000),
    msPerSignIn: spent.signInMs / signInCount,
    msPerHash: spent.hashMs / hashCount,
    cpuMsPerSignIn: spent.signInCpuUs / signInCount / 1000,
    cpuMsPerHash: spent.hashCpuUs / hashCount / 1000,
    requestsPerSignIn,
    target: SIGN_IN_TARGET,
  };
  say(`  ${concurrency} at once: ${row.msPerSignIn.toFixed(1)} ms per sign-in, ${row.msPerHash.toFixed(1)} ms per hash`);
  return row;
}

function describeMachine(hawiya: RunningServer, settings: Settings): string[] {
  const argon2 = argon2Setting();
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`,
    `Hawiya storage: ${hawiya.backend}; bare: oidc-provider's in-memory adapter`,
    `argon2id: m=${argon2.memoryCost} KiB, t=${argon2.timeCost}, p=${argon2.parallelism}`,
    `load: autocannon, ${settings.connections} connections, ${settings.seconds} s per side in ${settings.rounds} alternating rounds after ${settings.warmupSeconds} s warm-up; each server in its own process, measured one at a time`,
  ];
}

// CPU seconds used so far by this process (the load generator) and both servers.
async function ourCpuSeconds(hawiya: RunningServer, bare: RunningServer): Promise<number> {
  const own = process.cpuUsage();
  return (own.user + own.system + (await cpuTimeOf(hawiya)) + (await cpuTimeOf(bare))) / 1e6;
}

// Anything else running on the machine shows here; the rounds spread it over both sides.
function backgroundLoad(start: MachineSample, end: MachineSample, ourCpu: number, backend: string): string {
  const { othersPercent, stealPercent } = othersShare(start, end, ourCpu);
  const note = backend === 'postgres' ? '; a local PostgreSQL server counts here' : '';
  return `other processes used ${othersPercent.toFixed(1)} % of the machine's CPU during the run (host steal ${stealPercent.toFixed(1)} %${note})`;
}

async function main(): Promise<void> {
  const settings = readSettings();
  const scenarios = throughputScenarios();
  const watchdog = setTimeout(() => {
    process.stderr.write('bench: the run went past its time bound; stopping\n');
    stopServers();
    process.exit(1);
  }, timeBoundMs(settings, scenarios.length));

  say(`starting Hawiya (${settings.databaseUrl ? 'PostgreSQL from DATABASE_URL' : 'PGlite in memory'}) and the bare provider…`);
  const hawiya = await startHawiya(settings.databaseUrl);
  if (!hawiya.keys) throw new Error('Hawiya did not hand over its keys');
  const bare = await startBare(hawiya.keys, BENCH_CLIENT);
  const header = describeMachine(hawiya, settings);
  for (const line of header) say(line);
  const ourCpuAtStart = await ourCpuSeconds(hawiya, bare);
  const machineAtStart = sampleMachine();

  say('\nthroughput');
  const throughput: ThroughputRow[] = [];
  for (const scenario of scenarios) throughput.push(await measureScenario(scenario, hawiya, bare, settings));

  say(`\nfull password sign-in (${settings.signIns} sign-ins, ${settings.hashes} hashes per row)`);
  const signIns: SignInRow[] = [];
  for (const concurrency of settings.signInConcurrency) signIns.push(await measureSignIns(hawiya, concurrency, settings));

  const machineAtEnd = sampleMachine();
  const ourCpu = (await ourCpuSeconds(hawiya, bare)) - ourCpuAtStart;
  say('\n## Results\n');
  for (const line of header) say(`- ${line}`);
  if (machineAtStart && machineAtEnd) say(`- ${backgroundLoad(machineAtStart, machineAtEnd, ourCpu, hawiya.backend)}`);
  say(`\n${throughputTable(throughput)}\n\n${signInTable(signIns)}`);
  clearTimeout(watchdog);
}

runBenchmark(main);
