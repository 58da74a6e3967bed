#!/usr/bin/env node
// The `hawiya` command: start | migrate | keys | clients | demo. The only reader of
// process.env.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { createDb, type Db } from './db/db.ts';
import { migrate } from './db/migrate.ts';
import { loadKek } from './crypto/sealed-box.ts';
import { createApp, type HawiyaApp } from './app.ts';
import { startServer } from './server.ts';
import { listKeys, rotateKeys, KeyEncryptionKeyMismatch } from './oidc/keys.ts';
import { keyLifetimes } from './oidc/provider.ts';
import { generateClientSecret, needsSecret, type ClientMetadata } from './oidc/clients.ts';
import { seedDemo } from './demo/seed.ts';
import { createLogger } from './log.ts';
import { checkEid } from './register/eid.ts';
import { verifyAuditChain } from './audit/audit-log.ts';
import { writeRegistryFile } from './register/generate.ts';
import { importRegistryFile, ImportError } from './register/import.ts';
import { createCivilRegistry } from './register/connector.ts';
import { syncRegistryEvents } from './register/sync.ts';
import { CaAlreadyExists } from './signing/ca.ts';
import { toPem } from './signing/x509.ts';

const USAGE = `usage: hawiya <command>

  start                         run the provider (PORT, ISSUER, DATABASE_URL, DATA_DIR)
  migrate                       apply database migrations
  keys list                     list signing and cookie keys (no secrets)
  keys rotate                   add new keys, published before they sign
  clients add JSON|-            register a client (JSON argument, or - for stdin)
  clients list                  list clients as JSON
  clients show CLIENT_ID        one client as JSON (no secret)
  clients remove CLIENT_ID      remove a client
  demo seed [--json]            create the demo data (idempotent)
  demo run                      seed the demo data and start the provider
  eid check NUMBER              say whether an e-ID number is well formed
  audit verify                  walk the audit chain; name the first broken link
  registry generate --count N [--seed S] [--out FILE]
                                write a fictional civil registry (JSON lines)
  registry import FILE          load a registry extract into the register
  registry sync                 apply the registry's new events
  ca init                       create the signing CA (root and issuing), keys in the keystore
  ca show                       the signing CA's certificates, PEM`;

class UsageError extends Error {}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function kekFor(config: Config): Buffer {
  return loadKek({ value: process.env.HAWIYA_KEK, file: config.keys.kekFile });
}

function openDb(config: Config): Db {
  return createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

async function withApp<T>(config: Config, fn: (hawiya: HawiyaApp) => Promise<T>): Promise<T> {
  const db = openDb(config);
  try {
    const hawiya = await createApp({ config, db, kek: kekFor(config) });
    try {
      return await fn(hawiya);
    } finally {
      hawiya.close();
    }
  } finally {
    await db.close();
  }
}

function readJsonArgument(arg: string | undefined): Record<string, unknown> {
  if (!arg) throw new UsageError('clients add needs a JSON object, or - to read it from stdin');
  const text = arg === '-' ? readFileSync(0, 'utf8') : arg;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the client is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('the client must be a JSON object');
  return value as Record<string, unknown>;
}

async function clientsCommand(config: Config, action: string | undefined, arg: string | undefined): Promise<void> {
  // Parse before touching the database: broken input changes nothing.
  const input = action === 'add' ? readJsonArgument(arg) : undefined;
  await withApp(config, async ({ services }) => {
    switch (action) {
      case 'add': {
        if (typeof input?.client_id !== 'string' || !input.client_id) throw new UsageError('client_id is required');
        const metadata = { ...input, client_id: input.client_id } as ClientMetadata;
        if (needsSecret(metadata) && typeof metadata.client_secret !== 'string') metadata.client_secret = generateClientSecret();
        try {
          await services.provider.current().Client.validate(metadata);
        } catch (err) {
          throw new UsageError(`invalid client metadata: ${(err as { error_description?: string }).error_description ?? (err as Error).message}`);
        }
        await services.clients.save(metadata, 'cli');
        // The secret is shown once, here; afterwards only its holder knows it.
        print(metadata);
        return;
      }
      case 'list':
        print(await services.clients.list());
        return;
      case 'show': {
        const client = arg ? (await services.clients.list()).find((c) => c.client_id === arg) : undefined;
        if (!client) throw new UsageError(`no client ${arg ?? ''}`);
        print(client);
        return;
      }
      case 'remove':
        if (!arg || !(await services.clients.remove(arg, 'cli'))) throw new UsageError(`no client ${arg ?? ''}`);
        print({ removed: arg });
        return;
      default:
        throw new UsageError(USAGE);
    }
  });
}

async function keysCommand(config: Config, action: string | undefined): Promise<void> {
  await withApp(config, async ({ services }) => {
    if (action === 'list') return print(await listKeys(services.db));
    if (action === 'rotate') {
      return print(await rotateKeys(services, {
        algorithms: config.keys.signingAlgorithms,
        publishBeforeUseSeconds: config.keys.publishBeforeUseSeconds,
        lifetimeSeconds: keyLifetimes(config),
      }));
    }
    throw new UsageError(USAGE);
  });
}

function eidCommand(config: Config, action: string | undefined, number: string | undefined): void {
  if (action !== 'check' || !number) throw new UsageError(USAGE);
  const verdict = checkEid(number.trim(), config.register.eidLength);
  print(verdict);
  if (!verdict.valid) process.exitCode = 1;
}

async function auditCommand(config: Config, action: string | undefined): Promise<void> {
  if (action !== 'verify') throw new UsageError(USAGE);
  const db = openDb(config);
  try {
    await migrate(db);
    const verdict = await verifyAuditChain(db);
    print(verdict);
    if (!verdict.ok) process.exitCode = 1;
  } finally {
    await db.close();
  }
}

function wholeNumber(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (!value || !/^\d+$/.test(value)) throw new UsageError(`--${name} needs a whole number`);
  return Number(value);
}

async function registryCommand(config: Config, action: string | undefined, arg: string | undefined, options: { count?: string | undefined; seed?: string | undefined; out?: string | undefined }): Promise<void> {
  switch (action) {
    case 'generate': {
      const out = options.out ?? (config.registry.connector === 'file' ? config.registry.file : undefined);
      if (!out) throw new UsageError('registry generate needs --out FILE');
      const count = wholeNumber('count', options.count);
      await writeRegistryFile(out, { count, seed: wholeNumber('seed', options.seed, 1) });
      print({ written: count, file: out });
      return;
    }
    case 'import': {
      if (!arg) throw new UsageError('registry import needs a FILE');
      return withApp(config, async ({ services }) => {
        const started = Date.now();
        try {
          const result = await importRegistryFile({ ...services, eidLength: config.register.eidLength }, arg, {
            onBatch: (progress) => process.stderr.write(`\rimported ${progress.imported} persons`),
          });
          process.stderr.write('\n');
          print({ ...result, seconds: (Date.now() - started) / 1000 });
        } catch (err) {
          if (err instanceof ImportError) throw new UsageError(`${arg} ${err.message} (nothing from that batch was applied; ${err.imported} persons were imported before it)`);
          throw err;
        }
      });
    }
    case 'sync':
      return withApp(config, async ({ services }) => {
        const registry = createCivilRegistry(config.registry, services.clock);
        try {
          print(await syncRegistryEvents({ ...services, registry, eidLength: config.register.eidLength }));
        } finally {
          registry.close?.();
        }
      });
    default:
      throw new UsageError(USAGE);
  }
}

async function caCommand(config: Config, action: string | undefined): Promise<void> {
  await withApp(config, async ({ services }) => {
    if (action === 'init') {
      try {
        await services.signing.initCa('cli');
      } catch (err) {
        if (err instanceof CaAlreadyExists) throw new UsageError('the signing CA exists already; it is made once');
        throw err;
      }
    } else if (action !== 'show') {
      throw new UsageError(USAGE);
    }
    const ca = await services.signing.ca();
    process.stdout.write(`keystore: ${services.signing.keys.kind}\n${toPem(ca.root.der)}${toPem(ca.issuing.der)}`);
  });
}

async function start(config: Config, options: { demo: boolean }): Promise<void> {
  const log = createLogger(config.logLevel);
  const db = openDb(config);
  const hawiya = await createApp({ config, db, log, kek: kekFor(config) });
  if (options.demo) {
    const seed = await seedDemo(hawiya.services);
    process.stdout.write(`\nHawiya demo on ${config.issuer}\n  discovery: ${config.issuer}/.well-known/openid-configuration\n  your account: ${config.issuer}/account\n`);
    for (const account of seed.accounts) process.stdout.write(`  sign in as ${account.username} / ${account.password}\n`);
    for (const client of seed.clients) process.stdout.write(`  client ${client.client_id}${client.client_secret ? ` secret ${client.client_secret}` : ''}\n`);
  }
  await startServer({ hawiya, db, log, port: config.port, host: config.host, shutdownDelaySeconds: config.shutdownDelaySeconds });
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  });
  const [command, action, arg] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const env = command === 'demo' ? { NODE_ENV: 'development', ...process.env } : process.env;
  const config = loadConfig(env);
  switch (command) {
    case 'start':
      return start(config, { demo: false });
    case 'migrate': {
      const db = openDb(config);
      try {
        print({ applied: await migrate(db) });
      } finally {
        await db.close();
      }
      return;
    }
    case 'keys':
      return keysCommand(config, action);
    case 'clients':
      return clientsCommand(config, action, arg);
    case 'demo':
      if (action === 'seed') {
        return withApp(config, async ({ services }) => {
          const seed = await seedDemo(services);
          if (values.json) print(seed);
          else process.stdout.write(`demo data ready: ${seed.accounts.length} accounts, ${seed.clients.length} clients\n`);
        });
      }
      if (action === 'run') return start(config, { demo: true });
      throw new UsageError(USAGE);
    case 'eid':
      return eidCommand(config, action, arg);
    case 'audit':
      return auditCommand(config, action);
    case 'registry':
      return registryCommand(config, action, arg, values);
    case 'ca':
      return caCommand(config, action);
    default:
      throw new UsageError(USAGE);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof KeyEncryptionKeyMismatch) {
    process.stderr.write(`hawiya: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`hawiya: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
});
