// Every setting, with its default, in one zod schema. Loaded from config/default.json,
// then config/<NODE_ENV>.json, then the environment. An invalid value stops the start
// with a message naming the key.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const seconds = z.number().int().positive();

// RFC 9106 §4: t=3, p=4, m=64 MiB, for when 2 GiB per hash cannot be spared.
export const DEFAULT_ARGON2 = { memoryCost: 65536, timeCost: 3, parallelism: 4 } as const;

export const configSchema = z.object({
  env: z.enum(['development', 'test', 'production']).default('production'),
  issuer: z.url(),
  port: z.number().int().min(0).max(65535).default(3000),
  host: z.string().default('127.0.0.1'),
  trustProxy: z.boolean().default(false),
  databaseUrl: z.string().optional(),
  dataDir: z.string().default('./data'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  http: z.object({
    maxBodyBytes: z.number().int().positive().default(64 * 1024),
  }).prefault({}),
  keys: z.object({
    // Where the key-encryption key lives when HAWIYA_KEK is not set.
    kekFile: z.string().default('./keys/kek'),
    signingAlgorithms: z.array(z.enum(['ES256', 'RS256', 'PS256', 'EdDSA'])).min(1).default(['ES256', 'RS256', 'PS256', 'EdDSA']),
    // A new key is published this long before it signs, so relying parties that cache
    // the JWKS see it first.
    publishBeforeUseSeconds: z.number().int().min(0).default(3600),
    // How often each node re-reads the key table.
    reloadSeconds: seconds.default(60),
  }).prefault({}),
  ttl: z.object({
    authorizationCode: seconds.default(60),
    accessToken: seconds.default(600),
    idToken: seconds.default(600),
    refreshToken: seconds.default(14 * 24 * 3600),
    clientCredentials: seconds.default(600),
    interaction: seconds.default(1800),
    session: seconds.default(8 * 3600),
    grant: seconds.default(14 * 24 * 3600),
  }).prefault({}),
  session: z.object({
    // A session ends after this long without use (the absolute limit is ttl.session).
    idleSeconds: seconds.default(1800),
  }).prefault({}),
  // OWASP's argon2id floor (m=19 MiB, t=2, p=1) is the least accepted. The default is RFC
  // 9106 §4's second recommended option: the register's password hashes are worth an
  // attacker's effort, and at this cost the hash, not the rest of a sign-in, sets what a
  // sign-in costs (bench/README.md).
  argon2: z.object({
    memoryCost: z.number().int().min(19456).default(DEFAULT_ARGON2.memoryCost),
    timeCost: z.number().int().min(2).default(DEFAULT_ARGON2.timeCost),
    parallelism: z.number().int().min(1).default(DEFAULT_ARGON2.parallelism),
  }).prefault({}),
  throttle: z.object({
    account: z.object({ maxFailures: z.number().int().positive().default(5), windowSeconds: seconds.default(900), lockSeconds: seconds.default(900) }).prefault({}),
    ip: z.object({ maxFailures: z.number().int().positive().default(50), windowSeconds: seconds.default(900), lockSeconds: seconds.default(900) }).prefault({}),
    // Online registrations and application-status look-ups per address, every one counted.
    registration: z.object({ maxFailures: z.number().int().positive().default(20), windowSeconds: seconds.default(3600), lockSeconds: seconds.default(3600) }).prefault({}),
  }).prefault({}),
  register: z.object({
    // Digits in an e-ID number, check digit included.
    eidLength: z.number().int().min(8).max(20).default(12),
  }).prefault({}),
  // The civil registry of the Ministry of Interior: a JSON-lines file (embedded default,
  // demo) or the registry's HTTPS API with a client certificate.
  registry: z.discriminatedUnion('connector', [
    z.object({
      connector: z.literal('file'),
      // Defaults to registry.jsonl in dataDir.
      file: z.string().optional(),
      eventsFile: z.string().optional(),
    }),
    z.object({
      connector: z.literal('http'),
      baseUrl: z.url(),
      certFile: z.string(),
      keyFile: z.string(),
      caFile: z.string(),
      timeoutMs: z.number().int().positive().default(5000),
      retries: z.number().int().min(0).max(10).default(2),
      backoffMs: z.number().int().positive().default(200),
      breakerFailures: z.number().int().positive().default(5),
      breakerResetSeconds: seconds.default(30),
    }),
  ]).default({ connector: 'file' }),
  enrolment: z.object({
    // An application not verified at an office within this many days expires.
    applicationDays: z.number().int().min(1).max(365).default(30),
    // The activation code on the slip works for this many days.
    activationCodeDays: z.number().int().min(1).max(90).default(14),
  }).prefault({}),
  notify: z.object({
    // The development mailbox page (GET /dev/mailbox) and the fallback for unconfigured
    // channels. Off unless an overlay turns it on: it shows people's addresses.
    devMailbox: z.boolean().default(false),
    intervalSeconds: seconds.default(5),
    // E-mail through an SMTP relay; smtp:// upgrades with STARTTLS, smtps:// is TLS.
    email: z.object({
      smtpUrl: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://'),
      from: z.string().min(3),
      timeoutMs: z.number().int().positive().default(10000),
    }).optional(),
    // Text messages through an HTTP gateway: POST JSON with a bearer token.
    sms: z.object({
      url: z.url(),
      token: z.string().min(1).optional(),
      tokenFile: z.string().optional(),
      timeoutMs: z.number().int().positive().default(10000),
    }).refine((sms) => sms.token !== undefined || sms.tokenFile !== undefined, { message: 'needs token or tokenFile', path: ['token'] }).optional(),
  }).prefault({}),
  verifiedClaims: z.object({
    // The trust_framework of verified_claims (OIDC4IDA): the law under which offices check
    // identities in person.
    trustFramework: z.string().regex(/^[a-z0-9_.:-]+$/).default('hawiya_national'),
  }).prefault({}),
  // Back-channel logout deliveries: the worker's period, the first retry (doubling, at most
  // an hour), the attempts before a delivery is given up, and each POST's timeout.
  backchannelLogout: z.object({
    intervalSeconds: seconds.default(5),
    retrySeconds: seconds.default(30),
    maxAttempts: z.number().int().min(1).max(50).default(12),
    timeoutMs: z.number().int().positive().default(5000),
  }).prefault({}),
  // Dynamic client registration: how long an agency's initial access token lasts by default.
  registration: z.object({
    initialAccessTokenSeconds: seconds.default(7 * 24 * 3600),
  }).prefault({}),
  // The national signing CA and citizens' signing keys (src/signing/).
  signing: z.object({
    // Where private keys live: sealed under the KEK in the database, or in an HSM.
    keystore: z.enum(['software', 'pkcs11']).default('software'),
    pkcs11: z.object({
      module: z.string().min(1),
      // The token, by label (preferred) or by slot index.
      tokenLabel: z.string().min(1).optional(),
      slot: z.number().int().min(0).optional(),
      pinFile: z.string().min(1),
    }).optional(),
    // ISO 3166 code in subjects and in PNO<CC>-<e-ID>; XX (user-assigned) until set.
    country: z.string().regex(/^[A-Z]{2}$/).default('XX'),
    organisation: z.string().min(1).default('Hawiya'),
    // Our certificate policy. 2.999 is the ITU-T example arc: a deployment sets its own.
    policyOid: z.string().regex(/^[0-2](\.\d+)+$/).default('2.999.1.1'),
    certificateDays: z.number().int().min(1).max(1825).default(730),
    // A CRL is valid this long, and is re-signed when half of it has passed.
    crlHours: z.number().int().min(1).max(168).default(24),
    ocspValiditySeconds: seconds.default(3600),
    // The largest request to the verification API (a signed PDF, base64 in JSON).
    verifyMaxBytes: z.number().int().positive().default(16 * 1024 * 1024),
  }).prefault({}),
  purgeIntervalSeconds: seconds.default(300),
  // On SIGTERM the node reports not ready for this long before it stops accepting, so the
  // load balancer has seen /readyz fail and sends no more.
  shutdownDelaySeconds: z.number().int().min(0).default(5),
  defaultLocale: z.enum(['ar', 'fr', 'en']).default('ar'),
}).check((ctx) => {
  const { issuer, env, signing } = ctx.value;
  if (signing.keystore === 'pkcs11' && !signing.pkcs11) {
    ctx.issues.push({ code: 'custom', path: ['signing', 'pkcs11'], input: signing, message: 'is required when signing.keystore is pkcs11 (module, tokenLabel or slot, pinFile)' });
  }
  if (env !== 'development' && env !== 'test' && !issuer.startsWith('https://')) {
    ctx.issues.push({ code: 'custom', path: ['issuer'], input: issuer, message: 'must be an https URL unless NODE_ENV=development' });
  }
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Json = Record<string, unknown>;

function readJson(file: string): Json {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`);
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(base: Json, overlay: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return out;
}

function integer(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name}: expected a whole number, got "${value}"`);
  return Number(value);
}

// The environment variables we read, and the keys they set.
function fromEnvironment(env: NodeJS.ProcessEnv): Json {
  const out: Json = {};
  if (env.NODE_ENV) out.env = env.NODE_ENV;
  if (env.ISSUER) out.issuer = env.ISSUER;
  if (env.PORT) out.port = integer('PORT', env.PORT);
  if (env.HOST) out.host = env.HOST;
  if (env.DATABASE_URL) out.databaseUrl = env.DATABASE_URL;
  if (env.DATA_DIR) out.dataDir = env.DATA_DIR;
  if (env.LOG_LEVEL) out.logLevel = env.LOG_LEVEL;
  if (env.TRUST_PROXY) out.trustProxy = env.TRUST_PROXY === 'true' || env.TRUST_PROXY === '1';
  if (env.HAWIYA_KEK_FILE) out.keys = { kekFile: env.HAWIYA_KEK_FILE };
  if (env.REGISTRY_URL) out.registry = { connector: 'http', baseUrl: env.REGISTRY_URL, certFile: env.REGISTRY_CERT_FILE, keyFile: env.REGISTRY_KEY_FILE, caFile: env.REGISTRY_CA_FILE };
  else if (env.REGISTRY_FILE || env.REGISTRY_EVENTS_FILE) {
    out.registry = { connector: 'file', ...(env.REGISTRY_FILE ? { file: env.REGISTRY_FILE } : {}), ...(env.REGISTRY_EVENTS_FILE ? { eventsFile: env.REGISTRY_EVENTS_FILE } : {}) };
  }
  const notify: Json = {};
  if (env.DEV_MAILBOX) notify.devMailbox = env.DEV_MAILBOX === 'true' || env.DEV_MAILBOX === '1';
  if (env.SMTP_URL) notify.email = { smtpUrl: env.SMTP_URL, from: env.SMTP_FROM };
  if (env.SMS_GATEWAY_URL) {
    notify.sms = { url: env.SMS_GATEWAY_URL, ...(env.SMS_GATEWAY_TOKEN ? { token: env.SMS_GATEWAY_TOKEN } : {}), ...(env.SMS_GATEWAY_TOKEN_FILE ? { tokenFile: env.SMS_GATEWAY_TOKEN_FILE } : {}) };
  }
  if (Object.keys(notify).length > 0) out.notify = notify;
  if (env.HAWIYA_SIGNING_KEYSTORE) out.signing = { keystore: env.HAWIYA_SIGNING_KEYSTORE };
  if (env.HAWIYA_PKCS11_MODULE) {
    out.signing = {
      ...(out.signing as Json | undefined),
      pkcs11: {
        module: env.HAWIYA_PKCS11_MODULE, pinFile: env.HAWIYA_PKCS11_PIN_FILE,
        ...(env.HAWIYA_PKCS11_TOKEN_LABEL ? { tokenLabel: env.HAWIYA_PKCS11_TOKEN_LABEL } : {}),
        ...(env.HAWIYA_PKCS11_SLOT ? { slot: integer('HAWIYA_PKCS11_SLOT', env.HAWIYA_PKCS11_SLOT) } : {}),
      },
    };
  }
  if (env.SHUTDOWN_DELAY_SECONDS) out.shutdownDelaySeconds = integer('SHUTDOWN_DELAY_SECONDS', env.SHUTDOWN_DELAY_SECONDS);
  return out;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

export function loadConfig(env: NodeJS.ProcessEnv, options: { dir?: string; overrides?: Json } = {}): Config {
  const dir = options.dir ?? join(import.meta.dirname, '..', 'config');
  const environment = env.NODE_ENV ?? 'production';
  let raw = merge(readJson(join(dir, 'default.json')), readJson(join(dir, `${environment}.json`)));
  raw = merge(raw, fromEnvironment(env));
  raw = merge(raw, options.overrides ?? {});
  if (raw.issuer === undefined) {
    const port = typeof raw.port === 'number' ? raw.port : 3000;
    if (environment === 'development' || environment === 'test') raw.issuer = `http://localhost:${port}`;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${formatIssues(parsed.error)}`);
  const config = parsed.data;
  if (config.registry.connector === 'file' && !config.registry.file) config.registry.file = join(config.dataDir, 'registry.jsonl');
  return config;
}
