// `hawiya ca init` and `hawiya ca show` as an operator runs them, with the HSM keystore
// chosen by environment variables (SoftHSM2): the CA is made once, its certificates are
// printed as PEM and verify with openssl, and a second init is refused with exit code 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { backend, createTestDb, type TestDb } from '../support/harness.ts';
import { createTestToken } from '../support/softhsm.ts';
import { createWorkdir, openssl } from '../support/openssl.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

function hawiya(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe(`hawiya ca (${backend}, PKCS#11)`, function () {
  this.timeout(60_000);
  let testDb: TestDb | undefined;

  after(async () => {
    await testDb?.drop();
  });

  it('makes the CA once, in the HSM, and prints its certificates', async () => {
    const token = createTestToken();
    const env: Record<string, string> = {
      NODE_ENV: 'test', HAWIYA_KEK: randomBytes(32).toString('base64url'), ISSUER: 'http://localhost:3000',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'hawiya-ca-cli-')),
      SOFTHSM2_CONF: process.env.SOFTHSM2_CONF!,
      HAWIYA_SIGNING_KEYSTORE: 'pkcs11', HAWIYA_PKCS11_MODULE: token.module, HAWIYA_PKCS11_TOKEN_LABEL: token.tokenLabel, HAWIYA_PKCS11_PIN_FILE: token.pinFile,
    };
    if (backend === 'postgres') {
      testDb = await createTestDb();
      env.DATABASE_URL = testDb.url!;
    }
    const made = await hawiya(['ca', 'init'], env);
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stdout, /^keystore: pkcs11\n/);
    const pems = made.stdout.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g) ?? [];
    assert.equal(pems.length, 2);
    const work = createWorkdir();
    try {
      work.write('root.pem', pems[0]!);
      work.write('issuing.pem', pems[1]!);
      const verified = await openssl(['verify', '-CAfile', 'root.pem', 'issuing.pem'], work.dir);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match((await openssl(['x509', '-in', 'issuing.pem', '-noout', '-subject'], work.dir)).stdout, /CN ?= ?Hawiya Signing CA 1/);
    } finally {
      work.remove();
    }

    const again = await hawiya(['ca', 'init'], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /exists already/);
    const shown = await hawiya(['ca', 'show'], env);
    assert.equal(shown.code, 0, shown.stderr);
    assert.equal(shown.stdout, made.stdout);
  });

  it('says which setting is missing when the HSM keystore has no module', async () => {
    const run = await hawiya(['ca', 'show'], { NODE_ENV: 'test', HAWIYA_KEK: randomBytes(32).toString('base64url'), DATA_DIR: mkdtempSync(join(tmpdir(), 'hawiya-ca-cli-')), HAWIYA_SIGNING_KEYSTORE: 'pkcs11' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /signing\.pkcs11: is required when signing\.keystore is pkcs11/);
  });
});
