#!/usr/bin/env node
// The `hawiya` command: start | migrate | keys | agencies | clients | offices | staff | demo | …
// The only reader of process.env.
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
import { registerClient } from './oidc/onboarding.ts';
import { AppError } from './errors.ts';
import { seedDemo } from './demo/seed.ts';
import { createLogger } from './log.ts';
import { checkEid } from './register/eid.ts';
import { verifyAuditChain } from './audit/audit-log.ts';
import { writeRegistryFile } from './register/generate.ts';
import { importRegistryFile, ImportError } from './register/import.ts';
import { createCivilRegistry } from './register/connector.ts';
import { syncRegistryEvents } from './register/sync.ts';
import { officeSchema } from './enrolment/offices.ts';
import { STAFF_ROLES, type StaffRole } from './enrolment/staff.ts';
import { CaAlreadyExists } from './signing/ca.ts';
import { toPem } from './signing/x509.ts';
import { AGENCY_ROLES, isAgencyRole } from './oidc/agency-roles.ts';

const USAGE = `usage: hawiya <command>

  start                         run the provider (PORT, ISSUER, DATABASE_URL, DATA_DIR)
  migrate                       apply database migrations
  keys list                     list signing and cookie keys (no secrets)
  keys rotate                   add new keys, published before they sign
  agencies add JSON|-           add an agency: {"code", "names": {"ar","fr","en"}, "allowed_scopes"}
  agencies list                 list agencies as JSON
  agencies show CODE            one agency, with its clients
  agencies token CODE [--ttl S] issue an initial access token for dynamic registration (shown once)
  agencies staff add CODE E-ID --role finance
                                give a person a role at an agency (released as the agency_roles claim)
  agencies staff list [CODE]    list agency roles as JSON
  agencies staff remove CODE E-ID --role finance
                                take a role away (effective at the person's next sign-in)
  clients add JSON|- [--agency CODE]
                                register a client (JSON argument, or - for stdin)
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
  offices add JSON              add or change an office ({"code","kind","names":{ar,fr,en},"region"})
  offices list                  list offices as JSON
  staff add E-ID --role clerk|supervisor|registrar_admin [--office CODE]
                                put a person on the staff (or change their role or office)
  staff list [--office CODE]    list staff as JSON
  staff remove E-ID             take a person off the staff
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

function readJsonArgument(arg: string | undefined, what = 'client'): Record<string, unknown> {
  if (!arg) throw new UsageError(`${what === 'client' ? 'clients' : what === 'office' ? 'offices' : 'agencies'} add needs a JSON object, or - to read it from stdin`);
  const text = arg === '-' ? readFileSync(0, 'utf8') : arg;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`the ${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`the ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

// A refused input is a usage error: the message names the field, and nothing changed.
async function asUsage<T>(work: Promise<T>, prefix = ''): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) throw new UsageError(`${prefix}${err.detail ?? err.code}`);
    throw err;
  }
}

async function clientsCommand(config: Config, action: string | undefined, arg: string | undefined, options: { agency?: string | undefined }): Promise<void> {
  // Parse before touching the database: broken input changes nothing.
  const input = action === 'add' ? readJsonArgument(arg) : undefined;
  await withApp(config, async ({ services }) => {
    switch (action) {
      case 'add': {
        if (typeof input?.client_id !== 'string' || !input.client_id) throw new UsageError('client_id is required');
        const metadata = options.agency ? { ...input, hawiya_agency: options.agency } : input;
        const onboarding = { clients: services.clients, agencies: services.agencies, provider: () => services.provider.current() };
        // The secret is shown once, here; afterwards only its holder knows it.
        print(await asUsage(registerClient(onboarding, metadata, 'cli'), 'invalid client metadata: '));
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

// `agencies staff add|list|remove`: roles of persons at an agency; audited as `cli`.
async function agencyStaffCommand(config: Config, operation: string | undefined, [agency, eid]: string[], options: { role?: string | undefined }): Promise<void> {
  if (operation === 'add' || operation === 'remove') {
    if (!agency || !eid) throw new UsageError(`agencies staff ${operation} needs an agency CODE and an e-ID number`);
    if (!isAgencyRole(options.role)) throw new UsageError(`--role must be one of ${AGENCY_ROLES.join(', ')}`);
  } else if (operation !== 'list') {
    throw new UsageError(USAGE);
  }
  await withApp(config, async ({ services }) => {
    if (operation === 'list') return print(await services.agencyStaff.list(agency));
    const input = { agency: agency!, eid: eid!, role: options.role as (typeof AGENCY_ROLES)[number] };
    if (operation === 'add') return print(await asUsage(services.agencyStaff.add(input, 'cli')));
    if (!(await asUsage(services.agencyStaff.remove(input, 'cli')))) throw new UsageError(`${eid} holds no ${input.role} role at ${agency}`);
    print({ removed: input });
  });
}

async function agenciesCommand(config: Config, action: string | undefined, arg: string | undefined, options: { ttl?: string | undefined }): Promise<void> {
  const input = action === 'add' ? readJsonArgument(arg, 'agency') : undefined;
  await withApp(config, async ({ services }) => {
    switch (action) {
      case 'add':
        print(await asUsage(services.agencies.create(input, 'cli'), 'invalid agency: '));
        return;
      case 'list':
        print(await services.agencies.list());
        return;
      case 'show': {
        const agency = arg ? await services.agencies.find(arg) : null;
        if (!agency) throw new UsageError(`no agency ${arg ?? ''}`);
        print({ ...agency, clients: (await services.clients.list(agency.code)).map((client) => client.client_id) });
        return;
      }
      case 'token': {
        if (!arg) throw new UsageError('agencies token needs an agency CODE');
        const ttl = wholeNumber('ttl', options.ttl, config.registration.initialAccessTokenSeconds);
        // The token is shown once, here; only its SHA-256 is kept.
        print(await asUsage(services.initialAccessTokens.issue(arg, ttl, 'cli')));
        return;
      }
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

async function officesCommand(config: Config, action: string | undefined, arg: string | undefined): Promise<void> {
  // Parse before touching the database: broken input changes nothing.
  const office = action === 'add' ? officeSchema.safeParse(readJsonArgument(arg, 'office')) : undefined;
  if (office && !office.success) {
    const issue = office.error.issues[0]!;
    throw new UsageError(`invalid office: ${issue.path.join('.') || '(office)'}: ${issue.message}`);
  }
  if (action !== 'add' && action !== 'list') throw new UsageError(USAGE);
  await withApp(config, async ({ services }) => {
    if (office?.success) {
      await services.offices.save(office.data, 'cli');
      return print(office.data);
    }
    print(await services.offices.list());
  });
}

async function staffCommand(config: Config, action: string | undefined, eid: string | undefined, options: { role?: string | undefined; office?: string | undefined }): Promise<void> {
  if (action === 'add' || action === 'remove') {
    if (!eid) throw new UsageError(`staff ${action} needs an e-ID number`);
  } else if (action !== 'list') {
    throw new UsageError(USAGE);
  }
  if (action === 'add' && !STAFF_ROLES.includes(options.role as StaffRole)) throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
  await withApp(config, async ({ services }) => {
    if (action === 'list') return print(await services.staff.list(options.office));
    if (action === 'add') return print(await asUsage(services.staff.add({ eid: eid!, role: options.role as StaffRole, officeCode: options.office ?? null }, 'cli')));
    if (!(await asUsage(services.staff.remove(eid!, 'cli')))) throw new UsageError(`${eid} is not on the staff`);
    print({ removed: eid });
  });
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
    for (const account of seed.accounts) {
      const extras = [
        account.totp_secret ? `authenticator app secret ${account.totp_secret}`
          : account.passkey_file ? `passkey for a browser's virtual authenticator in ${account.passkey_file}` : 'password only',
        ...(account.staff ? [`${account.staff.role} at ${account.staff.office}`] : []),
        ...(account.agency_roles ?? []),
      ];
      process.stdout.write(`  sign in as ${account.username} / ${account.password} (${account.name}: ${extras.join('; ')})\n`);
    }
    process.stdout.write('  your own passkey: sign in at /account as one of them, then add it under "Sign-in and security"\n');
    for (const client of seed.clients) process.stdout.write(`  client ${client.client_id}${client.client_secret ? ` secret ${client.client_secret}` : ''}\n`);
  }
  await startServer({ hawiya, db, log, port: config.port, host: config.host, shutdownDelaySeconds: config.shutdownDelaySeconds });
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, count: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
      agency: { type: 'string' }, ttl: { type: 'string' }, role: { type: 'string' }, office: { type: 'string' },
    },
  });
  const [command, action, arg, ...rest] = positionals;
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
      return clientsCommand(config, action, arg, values);
    case 'agencies':
      if (action === 'staff') return agencyStaffCommand(config, arg, rest, values);
      return agenciesCommand(config, action, arg, values);
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
    case 'offices':
      return officesCommand(config, action, arg);
    case 'staff':
      return staffCommand(config, action, arg, values);
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
