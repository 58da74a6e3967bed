// A fresh SoftHSM2 token for tests, in a temporary token directory. Required, never
// skipped: without SoftHSM2 (Debian's softhsm2 package) the suite fails and says how to
// install it. SoftHSM2 reads SOFTHSM2_CONF when PKCS#11 is initialised, so every token of
// a test process lives under one configuration, made once.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const SOFTHSM_MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

let configDir: string | undefined;

function configure(): string {
  if (configDir) return configDir;
  if (!existsSync(SOFTHSM_MODULE)) {
    throw new Error(`SoftHSM2 not found at ${SOFTHSM_MODULE}: the PKCS#11 tests need it. Install it with \`apt-get install -y softhsm2 opensc\`.`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'hawiya-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  writeFileSync(join(dir, 'softhsm2.conf'), `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  configDir = dir;
  return dir;
}

export interface TestToken {
  module: string;
  tokenLabel: string;
  pin: string;
  pinFile: string;
}

export function createTestToken(): TestToken {
  const dir = configure();
  const tokenLabel = `hawiya-test-${randomBytes(4).toString('hex')}`;
  const pin = randomBytes(6).toString('hex');
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', randomBytes(6).toString('hex')], { env: process.env, stdio: 'pipe' });
  const pinFile = join(dir, `${tokenLabel}.pin`);
  writeFileSync(pinFile, `${pin}\n`, { mode: 0o600 });
  return { module: SOFTHSM_MODULE, tokenLabel, pin, pinFile };
}

// The token's objects as pkcs11-tool (OpenSC) lists them.
export function listTokenObjects(token: TestToken): string {
  return execFileSync('pkcs11-tool', ['--module', token.module, '--token-label', token.tokenLabel, '--login', '--pin', token.pin, '--list-objects'], { env: process.env, encoding: 'utf8', stdio: 'pipe' });
}
