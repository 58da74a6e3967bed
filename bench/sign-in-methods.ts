// Sign-ins per second by method (password; password + authenticator code; passkey), on
// one Hawiya in this process, beside the bound that argon2id sets: hashes per second at
// the configured parameters, measured in the same run. Target: password sign-in ≥ 0.85 of
// that bound.
//
//   npm exec -- node bench/sign-in-methods.ts     (SIGNIN_BENCH_COUNT, default 40 per method, after
//                                                 SIGNIN_BENCH_WARMUP, default 5; BENCH_ARGON2, as for npm run bench)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { createDb } from '../src/db/db.ts';
import { argon2Setting } from './lib/settings.ts';
import { loadConfig } from '../src/config.ts';
import { createApp } from '../src/app.ts';
import { createPasswordHasher } from '../src/authn/passwords.ts';
import { setAccountPassword } from '../src/authn/accounts.ts';
import { enterPerson } from '../src/register/register.ts';
import { beginTotpEnrolment, confirmTotpEnrolment } from '../src/authn/totp.ts';
import { registrationOptions, registerPasskey } from '../src/authn/passkeys.ts';
import type { Clock } from '../src/clock.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../test/support/user-agent.ts';
import { SoftAuthenticator } from '../test/support/soft-authenticator.ts';
import { fictionalRecord } from '../test/support/relying-party.ts';

const COUNT = Number(process.env.SIGNIN_BENCH_COUNT ?? 40);
// Unmeasured runs of each method first, so no method pays for the first compilation of
// the code paths and statements it shares with the others.
const WARMUP = Number(process.env.SIGNIN_BENCH_WARMUP ?? 5);
const REDIRECT = 'http://127.0.0.1:9/callback';
const SUBSTANTIAL = 'http://eidas.europa.eu/LoA/substantial';

// Real time plus an offset, so every authenticator code used is in a fresh time step.
let offsetMs = 0;
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

async function start() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ NODE_ENV: 'test' }, { overrides: { issuer: url, logLevel: 'silent', argon2: { ...argon2Setting() } } });
  const db = createDb(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: 'memory' });
  const hawiya = await createApp({ config, db, kek: randomBytes(32), clock });
  server.on('request', hawiya.app.callback());
  const metadata = { client_id: 'bench-rp', client_secret: randomBytes(24).toString('base64url'), redirect_uris: [REDIRECT], grant_types: ['authorization_code'], hawiya_first_party: true };
  await hawiya.services.provider.current().Client.validate(metadata);
  await hawiya.services.clients.save(metadata);
  return { url, hawiya, server, db };
}

type Running = Awaited<ReturnType<typeof start>>;

async function person(running: Running, name: string) {
  const { services } = running.hawiya;
  const entered = await enterPerson(services, fictionalRecord(), { actor: 'bench' });
  await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: entered.id, username: name, password: 'bench password 1234', actor: 'bench' }));
  return { id: entered.id, username: name, password: 'bench password 1234' };
}

const atCallback = (url: string) => url.startsWith(REDIRECT);

async function authorize(running: Running, agent: UserAgent, acr?: string): Promise<Page> {
  const url = new URL('/auth', running.url);
  url.search = new URLSearchParams({
    client_id: 'bench-rp', response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...(acr ? { acr_values: acr } : {}),
  }).toString();
  return agent.navigate(url.toString(), {}, atCallback);
}

async function post(running: Running, agent: UserAgent, page: Page, ending: string, fields: Record<string, string>): Promise<Page> {
  return agent.navigate(new URL(formAction(page.html, ending), running.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), ...fields } }, atCallback);
}

function reached(page: Page): void {
  if (!atCallback(page.url) || !new URL(page.url).searchParams.get('code')) throw new Error(`sign-in did not finish: ${page.status} ${page.url}`);
}

// `count` measured runs after WARMUP unmeasured ones; `one` gets the run's index.
async function timed(count: number, one: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await one(count + i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await one(i);
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main() {
  const running = await start();
  const { services } = running.hawiya;
  const hasher = createPasswordHasher(services.config.argon2);
  const hashRate = await timed(COUNT, async () => { await hasher.hash('bench password 1234'); });

  const plain = await person(running, 'bench.password');
  const password = await timed(COUNT, async () => {
    const agent = new UserAgent();
    reached(await post(running, agent, await authorize(running, agent), '/login', plain));
  });

  // One account per authenticator-code sign-in: a code is accepted once per time step.
  const totpPeople: Array<{ id: string; username: string; password: string; secret: string }> = [];
  for (let i = 0; i < COUNT + WARMUP; i++) {
    const p = await person(running, `bench.totp.${i}`);
    const { secret } = await beginTotpEnrolment({ db: running.db, box: services.box, clock }, p.id, p.username);
    await confirmTotpEnrolment({ db: running.db, box: services.box, clock }, p.id, await generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) }));
    totpPeople.push({ ...p, secret });
  }
  offsetMs += 30_000;
  const withTotp = await timed(COUNT, async (i) => {
    const p = totpPeople[i]!;
    const agent = new UserAgent();
    const second = await post(running, agent, await authorize(running, agent, SUBSTANTIAL), '/login', p);
    reached(await post(running, agent, second, '/otp', { code: await generate({ secret: p.secret, epoch: Math.floor(clock.now().getTime() / 1000) }) }));
  });

  const keyHolder = await person(running, 'bench.passkey');
  const key = new SoftAuthenticator();
  const issuer = new URL(running.url);
  const passkeyDeps = { db: running.db, clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
  const creation = await registrationOptions(passkeyDeps, { id: keyHolder.id, username: keyHolder.username, displayName: 'bench' });
  await registerPasskey(passkeyDeps, { accountId: keyHolder.id, challengeId: creation.challengeId, response: key.register(creation.options, running.url), name: 'bench' });
  const passkey = await timed(COUNT, async () => {
    const agent = new UserAgent();
    const page = await authorize(running, agent, SUBSTANTIAL);
    const base = new URL(page.url).pathname;
    const csrf = hiddenInput(page.html, 'csrf');
    const { challengeId, options } = await (await agent.request(`${running.url}${base}/passkey/options`, { form: { csrf } })).json() as { challengeId: string; options: { challenge: string } };
    reached(await agent.navigate(`${running.url}${base}/passkey`, { form: { csrf, challengeId, response: JSON.stringify(key.authenticate(options, running.url)) } }, atCallback));
  });

  const row = (name: string, rate: number, target?: number) => `| ${name} | ${rate.toFixed(1)} | ${(rate / hashRate).toFixed(2)} | ${target ? `≥ ${target}` : '—'} | ${target ? (rate / hashRate >= target ? 'pass' : '**miss**') : '—'} |`;
  console.log(`\nbackend: ${running.db.backend}; ${COUNT} sign-ins per method, one at a time, after ${WARMUP} unmeasured; argon2id m=${services.config.argon2.memoryCost} t=${services.config.argon2.timeCost} p=${services.config.argon2.parallelism}\n`);
  console.log('| method | sign-ins/s | ratio to argon2id hashes/s | target | result |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(`| argon2id hash alone (the bound) | ${hashRate.toFixed(1)} | 1.00 | — | — |`);
  console.log(row('password', password, 0.85));
  console.log(row('password + authenticator code', withTotp));
  console.log(row('passkey (no password hash)', passkey));
  running.hawiya.close();
  running.server.closeAllConnections();
  running.server.close();
  await running.db.close();
}

const deadline = setTimeout(() => {
  console.error('the benchmark took too long');
  process.exit(1);
}, 10 * 60_000);
deadline.unref();
await main();
