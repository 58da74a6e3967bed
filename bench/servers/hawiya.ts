// Hawiya as it runs in production (createApp + startServer), on PGlite in memory, or on
// PostgreSQL when DATABASE_URL is set. Registers the benchmark client and account, then
// reports its URL and keys. On request it times argon2id hashes at the configured cost.
import { randomBytes } from 'node:crypto';
import { createApp, type HawiyaApp } from '../../src/app.ts';
import { createDb, type Db } from '../../src/db/db.ts';
import { loadKek } from '../../src/crypto/sealed-box.ts';
import { startServer } from '../../src/server.ts';
import { setAccountPassword } from '../../src/authn/accounts.ts';
import { enterPerson } from '../../src/register/register.ts';
import { createPasswordHasher, type PasswordHasher } from '../../src/authn/passwords.ts';
import type { Config } from '../../src/config.ts';
import { BENCH_ACCOUNT, BENCH_AGENCY, BENCH_API, BENCH_CLIENT, BENCH_PERSON, benchConfig, freeLoopbackPort } from '../lib/fixtures.ts';
import { exitWithParent, onParentMessage, reportAndExit, tellParent } from '../lib/child-side.ts';
import type { SharedKeys } from '../lib/messages.ts';

function openDatabase(config: Config): Db {
  return createDb({ databaseUrl: config.databaseUrl, dataDir: 'memory' });
}

// An in-memory database starts empty, so any key-encryption key will do; a PostgreSQL
// database may hold keys sealed earlier, so take the KEK the way `hawiya start` does.
function keyEncryptionKey(config: Config): Buffer {
  if (!config.databaseUrl) return randomBytes(32);
  return loadKek({ value: process.env.HAWIYA_KEK, file: config.keys.kekFile });
}

// The client, and a person of the register with an account, as `demo seed` makes them.
async function registerFixtures(hawiya: HawiyaApp): Promise<void> {
  const { services } = hawiya;
  await services.agencies.create(BENCH_AGENCY, 'bench');
  await services.resourceServers.save(BENCH_API, 'bench');
  await services.provider.current().Client.validate(BENCH_CLIENT);
  await services.clients.save(BENCH_CLIENT);
  const person = await enterPerson(services, BENCH_PERSON, { actor: 'bench' });
  await services.db.transaction((tx) => setAccountPassword(tx, services, { personId: person.id, ...BENCH_ACCOUNT, actor: 'bench' }));
}

function sharedKeys(hawiya: HawiyaApp): SharedKeys {
  const keySet = hawiya.services.provider.keySet();
  return { jwks: keySet.jwks, cookieKeys: keySet.cookieKeys, pairwiseSecret: keySet.pairwiseSecret.toString('base64url') };
}

// `count` hashes of distinct passwords, `concurrency` at a time; the wall time of all.
async function timeHashes(hasher: PasswordHasher, count: number, concurrency: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await hasher.hash(`${BENCH_ACCOUNT.password}-${index}`);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return performance.now() - started;
}

async function main(): Promise<void> {
  exitWithParent();
  const port = await freeLoopbackPort();
  const config = benchConfig(port, process.env.DATABASE_URL);
  const db = openDatabase(config);
  const hawiya = await createApp({ config, db, kek: keyEncryptionKey(config) });
  await registerFixtures(hawiya);
  await startServer({ hawiya, db, log: hawiya.services.log, port, host: config.host, shutdownDelaySeconds: config.shutdownDelaySeconds });

  const hasher = createPasswordHasher(config.argon2);
  onParentMessage(async (message) => {
    if (message.type === 'register') {
      for (const client of message.clients) {
        await hawiya.services.provider.current().Client.validate(client);
        await hawiya.services.clients.save(client, 'bench');
      }
      tellParent({ type: 'registered' });
      return;
    }
    if (message.type !== 'hash') return;
    tellParent({ type: 'hashed', elapsedMs: await timeHashes(hasher, message.count, message.concurrency) });
  });
  tellParent({ type: 'ready', url: config.issuer, backend: db.backend, keys: sharedKeys(hawiya) });
}

main().catch(reportAndExit);
