// The `hawiya` command, run as a person or a deployment script runs it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, backend, createTestDb, type TestDb } from '../support/harness.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { createDb } from '../../src/db/db.ts';
import { generateEid } from '../../src/register/eid.ts';
import { jsonLines } from '../support/registry-records.ts';
import type { RegistryRecord } from '../../src/register/person.ts';

const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function hawiya(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe(`the hawiya command (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb | undefined;
  let env: Record<string, string>;

  before(async () => {
    const kek = randomBytes(32).toString('base64url');
    const base = { NODE_ENV: 'test', HAWIYA_KEK: kek, ISSUER: 'http://localhost:3000' };
    // DATA_DIR holds PGlite's files, and in both cases the demo's registry file.
    const dataDir = mkdtempSync(join(tmpdir(), 'hawiya-cli-'));
    if (backend === 'postgres') {
      testDb = await createTestDb();
      env = { ...base, DATA_DIR: dataDir, DATABASE_URL: testDb.url! };
    } else {
      env = { ...base, DATA_DIR: dataDir };
    }
    const migrated = await hawiya(['migrate'], env);
    assert.equal(migrated.code, 0, migrated.stderr);
  });

  after(async () => {
    await testDb?.drop();
  });

  it('adds, lists, shows and removes a client, printing the generated secret once', async () => {
    const client = { client_id: 'agency-a', client_name: 'Agency A', redirect_uris: ['https://a.example/callback'] };
    const added = await hawiya(['clients', 'add', JSON.stringify(client)], env);
    assert.equal(added.code, 0, added.stderr);
    const printed = JSON.parse(added.stdout) as { client_id: string; client_secret?: string };
    assert.equal(printed.client_id, 'agency-a');
    assert.ok(printed.client_secret && printed.client_secret.length >= 43);

    const listed = JSON.parse((await hawiya(['clients', 'list'], env)).stdout) as Array<Record<string, unknown>>;
    const entry = listed.find((each) => each.client_id === 'agency-a');
    assert.ok(entry);
    assert.equal(entry.client_secret, undefined, 'list never prints secrets');

    const shown = await hawiya(['clients', 'show', 'agency-a'], env);
    assert.deepEqual((JSON.parse(shown.stdout) as { redirect_uris: string[] }).redirect_uris, client.redirect_uris);

    assert.equal((await hawiya(['clients', 'remove', 'agency-a'], env)).code, 0);
    const gone = await hawiya(['clients', 'show', 'agency-a'], env);
    assert.equal(gone.code, 2);
    assert.match(gone.stderr, /no client agency-a/);
  });

  it('reads a client from stdin', async () => {
    const added = await hawiya(['clients', 'add', '-'], env, JSON.stringify({ client_id: 'from-stdin', redirect_uris: ['https://s.example/cb'], token_endpoint_auth_method: 'none' }));
    assert.equal(added.code, 0, added.stderr);
    assert.equal((JSON.parse(added.stdout) as { client_secret?: string }).client_secret, undefined, 'a public client gets no secret');
  });

  it('refuses broken JSON and invalid metadata with a clear message, changing nothing', async () => {
    const before = (await hawiya(['clients', 'list'], env)).stdout;
    const broken = await hawiya(['clients', 'add', '{"client_id": "x",'], env);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /not valid JSON/);
    const invalid = await hawiya(['clients', 'add', JSON.stringify({ client_id: 'bad', redirect_uris: 'not-a-list' })], env);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /invalid client metadata: redirect_uris/);
    assert.equal((await hawiya(['clients', 'list'], env)).stdout, before);
  });

  it('adds agencies, registers a client for one within its scopes, and issues an initial access token once', async () => {
    const agency = { code: 'tax', names: { ar: 'مصلحة الضرائب', fr: 'Direction des impôts', en: 'Tax Authority' }, allowed_scopes: ['openid', 'profile'] };
    const added = await hawiya(['agencies', 'add', JSON.stringify(agency)], env);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual((JSON.parse(added.stdout) as { names: unknown }).names, agency.names);
    const again = await hawiya(['agencies', 'add', JSON.stringify(agency)], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /code: an agency tax exists already/);
    const bad = await hawiya(['agencies', 'add', JSON.stringify({ code: 'x', names: agency.names })], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid agency: code: must be 2 to 40/);

    const client = { client_id: 'tax-portal', redirect_uris: ['https://tax.example/callback'] };
    const registered = await hawiya(['clients', 'add', JSON.stringify(client), '--agency', 'tax'], env);
    assert.equal(registered.code, 0, registered.stderr);
    const printed = JSON.parse(registered.stdout) as { hawiya_agency: string; scope: string; client_secret: string };
    assert.equal(printed.hawiya_agency, 'tax');
    assert.equal(printed.scope, 'openid profile', 'the defaults its agency allows');
    assert.ok(printed.client_secret);
    const greedy = await hawiya(['clients', 'add', JSON.stringify({ ...client, client_id: 'tax-greedy', scope: 'openid national_id' }), '--agency', 'tax'], env);
    assert.equal(greedy.code, 2);
    assert.match(greedy.stderr, /scope: national_id not allowed to agency tax/);
    const orphan = await hawiya(['clients', 'add', JSON.stringify(client), '--agency', 'nowhere'], env);
    assert.equal(orphan.code, 2);
    assert.match(orphan.stderr, /no agency nowhere/);

    const shown = JSON.parse((await hawiya(['agencies', 'show', 'tax'], env)).stdout) as { clients: string[] };
    assert.deepEqual(shown.clients, ['tax-portal']);
    const listed = JSON.parse((await hawiya(['agencies', 'list'], env)).stdout) as Array<{ code: string }>;
    assert.deepEqual(listed.map((each) => each.code), ['tax']);

    const token = await hawiya(['agencies', 'token', 'tax', '--ttl', '3600'], env);
    assert.equal(token.code, 0, token.stderr);
    const issued = JSON.parse(token.stdout) as { token: string; agency_code: string; expires_at: string };
    assert.equal(issued.agency_code, 'tax');
    assert.ok(issued.token.length >= 43);
    assert.equal((await hawiya(['agencies', 'token', 'nowhere'], env)).code, 2);
  });

  it('seeds the demo data idempotently and prints it as JSON', async () => {
    const first = await hawiya(['demo', 'seed', '--json'], env);
    assert.equal(first.code, 0, first.stderr);
    const second = await hawiya(['demo', 'seed', '--json'], env);
    assert.equal(second.stdout, first.stdout);
    const seed = JSON.parse(first.stdout) as { accounts: Array<{ username: string; password: string; totp_secret?: string; agency_roles?: string[] }>; clients: Array<{ client_id: string; client_secret?: string; redirect_uris: string[] }> };
    assert.ok(seed.accounts.length >= 2);
    assert.ok(seed.accounts.every((account) => account.username && account.password));
    assert.deepEqual(seed.clients.map((client) => client.client_id).sort(), ['demo-mobile', 'demo-payments', 'demo-portal']);
    // The examples authenticate with their own keys (private_key_jwt) or none (the app):
    // no shared secret is generated, and each key's private half stays in DATA_DIR.
    assert.ok(seed.clients.every((client) => client.client_secret === undefined));
    for (const clientId of ['demo-portal', 'demo-payments']) {
      const key = JSON.parse(readFileSync(join(env.DATA_DIR!, 'examples', clientId, 'signing-key.json'), 'utf8')) as { kty: string; d?: string };
      assert.equal(key.kty, 'EC');
      assert.ok(key.d, `${clientId}'s private key is in DATA_DIR`);
    }
    assert.match(seed.accounts.find((account) => account.username === 'youssef')?.totp_secret ?? '', /^[A-Z2-7]{16,}$/);
    // The embedded civil registry was written, with the demo persons in it.
    const registry = readFileSync(join(env.DATA_DIR!, 'registry.jsonl'), 'utf8').trim().split('\n');
    assert.equal(registry.length, 1004);
    // Leila's passkey: its private key in DATA_DIR, its public key registered once, however
    // often the seed runs.
    const leila = seed.accounts.find((account) => account.username === 'leila') as { passkey_file?: string } | undefined;
    assert.equal(leila?.passkey_file, join(env.DATA_DIR!, 'demo', 'passkeys', 'leila.json'));
    const credential = JSON.parse(readFileSync(leila.passkey_file, 'utf8')) as { credentialId: string; privateKey: string };
    assert.ok(credential.privateKey.length > 100);
    const store = testDb ? testDb.reopen() : createDb({ dataDir: env.DATA_DIR! });
    try {
      const { rows } = await store.query<{ credential_id: string; backed_up: boolean }>(
        'SELECT p.credential_id, p.backed_up FROM passkeys p JOIN accounts a ON a.id = p.account_id WHERE a.username = $1', ['leila']);
      assert.deepEqual(rows, [{ credential_id: Buffer.from(credential.credentialId, 'base64').toString('base64url'), backed_up: false }]);
    } finally {
      if (!testDb) await store.close();
    }
    // The agencies, the gateway's payment API and the clients under their agencies.
    const agencies = JSON.parse((await hawiya(['agencies', 'list'], env)).stdout) as Array<{ code: string }>;
    assert.equal(agencies.length, 15);
    const gateway = JSON.parse((await hawiya(['clients', 'show', 'demo-payments'], env)).stdout) as { hawiya_agency: string; scope: string };
    assert.equal(gateway.hawiya_agency, 'treasury');
    assert.equal(gateway.scope, 'openid profile agency_roles');
    assert.deepEqual(seed.accounts.find((account) => account.username === 'karim')?.agency_roles, ['finance:interior', 'finance:police']);
  });

  it('gives, lists and takes away agency roles, audited as the command line', async () => {
    const staff = JSON.parse((await hawiya(['agencies', 'staff', 'list', 'police'], env)).stdout) as Array<{ eid: string; role: string; name: string; agency: string }>;
    assert.deepEqual(staff.map((member) => [member.agency, member.role, member.name]), [['police', 'finance', 'Karim Mansouri']]);
    const { eid } = staff[0]!;
    const added = await hawiya(['agencies', 'staff', 'add', 'tax', eid, '--role', 'finance'], env);
    assert.equal(added.code, 0, added.stderr);
    assert.deepEqual(JSON.parse(added.stdout), { agency: 'tax', eid, role: 'finance', name: 'Karim Mansouri' });
    assert.equal((await hawiya(['agencies', 'staff', 'add', 'tax', eid, '--role', 'boss'], env)).code, 2);
    assert.match((await hawiya(['agencies', 'staff', 'add', 'nowhere', eid, '--role', 'finance'], env)).stderr, /no agency nowhere/);
    assert.match((await hawiya(['agencies', 'staff', 'add', 'tax', '000000000000', '--role', 'finance'], env)).stderr, /no living person has this e-ID number/);
    const removed = await hawiya(['agencies', 'staff', 'remove', 'tax', eid, '--role', 'finance'], env);
    assert.equal(removed.code, 0, removed.stderr);
    const again = await hawiya(['agencies', 'staff', 'remove', 'tax', eid, '--role', 'finance'], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /holds no finance role at tax/);
    const db = testDb ? testDb.reopen() : createDb({ dataDir: env.DATA_DIR! });
    try {
      const { rows } = await db.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE action LIKE 'agency_role.%' ORDER BY seq`);
      // The seed's two roles, then the one added and taken away here.
      assert.deepEqual(rows.map((row) => `${row.actor} ${row.action}`), ['cli agency_role.added', 'cli agency_role.added', 'cli agency_role.added', 'cli agency_role.removed']);
    } finally {
      if (!testDb) await db.close();
    }
  });

  it('rotates keys: the new ones are listed beside the old', async () => {
    const before = JSON.parse((await hawiya(['keys', 'list'], env)).stdout) as Array<{ alg: string | null; retire_at: string | null }>;
    const rotated = await hawiya(['keys', 'rotate'], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const after = JSON.parse((await hawiya(['keys', 'list'], env)).stdout) as Array<{ alg: string | null; kind: string; retire_at: string | null }>;
    const es256 = after.filter((key) => key.alg === 'ES256');
    assert.equal(es256.length, before.filter((key) => key.alg === 'ES256').length + 1);
    assert.equal(es256.filter((key) => key.retire_at === null).length, 1, 'only the newest is not scheduled to retire');
  });

  it('stops on an invalid setting, naming it', async () => {
    const run = await hawiya(['start'], { ...env, PORT: 'eighty' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /PORT: expected a whole number/);
    const http = await hawiya(['migrate'], { ...env, NODE_ENV: 'production', ISSUER: 'http://id.example' });
    assert.equal(http.code, 2);
    assert.match(http.stderr, /issuer: must be an https URL/);
  });

  it('starts on PORT with ISSUER, serves discovery, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const issuer = `http://localhost:${port}`;
    const child = spawn(process.execPath, [MAIN, 'start'], { env: { PATH: process.env.PATH ?? '', ...env, PORT: String(port), ISSUER: issuer, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk; });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk; });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      for (let tries = 0; !output.includes('"listening"'); tries++) {
        if (tries > 300) throw new Error(`did not start: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const metadata = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json() as { issuer: string };
      assert.equal(metadata.issuer, issuer);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(output, /"msg":"draining"/);
      assert.match(output, /"msg":"stopped"/);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('checks an e-ID number, saying why a bad one is refused', async () => {
    const good = await hawiya(['eid', 'check', generateEid()], env);
    assert.equal(good.code, 0);
    assert.deepEqual(JSON.parse(good.stdout), { valid: true });
    const bad = await hawiya(['eid', 'check', '236'], env);
    assert.equal(bad.code, 1);
    assert.deepEqual(JSON.parse(bad.stdout), { valid: false, reason: 'must be 12 digits' });
  });

  it('generates a deterministic fictional registry, imports it, and refuses to import it twice', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hawiya-registry-'));
    const [a, b] = [join(folder, 'a.jsonl'), join(folder, 'b.jsonl')];
    assert.equal((await hawiya(['registry', 'generate', '--count', '50', '--seed', '7', '--out', a], env)).code, 0);
    await hawiya(['registry', 'generate', '--count', '50', '--seed', '7', '--out', b], env);
    assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
    const imported = await hawiya(['registry', 'import', a], env);
    assert.equal(imported.code, 0, imported.stderr);
    assert.equal((JSON.parse(imported.stdout) as { imported: number }).imported, 50);
    const again = await hawiya(['registry', 'import', a], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /line 1: civilNumber: this person is already in the register/);

    // The registry's events feed: a death for one of them, pulled by sync, once.
    const first = JSON.parse(readFileSync(a, 'utf8').split('\n')[0]!) as RegistryRecord;
    const events = join(folder, 'events.jsonl');
    writeFileSync(events, jsonLines([{ id: 'feed-1', type: 'death', civilNumber: first.civilNumber, version: first.version + 1, occurredAt: '2026-11-20T08:00:00Z', deathDate: '2026-11-19' }]));
    const withFeed = { ...env, REGISTRY_FILE: a, REGISTRY_EVENTS_FILE: events };
    const synced = await hawiya(['registry', 'sync'], withFeed);
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal((JSON.parse(synced.stdout) as { applied: number }).applied, 1);
    const resynced = await hawiya(['registry', 'sync'], withFeed);
    assert.equal((JSON.parse(resynced.stdout) as { applied: number }).applied, 0, 'the cursor moved past it');
  });

  it('adds and lists offices, refusing a bad one with the field named, changing nothing', async () => {
    const office = { code: 'OASIS-PO', kind: 'post', names: { ar: 'مكتب بريد الواحة', fr: 'Bureau de poste de l\'Oasis', en: 'Oasis post office' }, region: 'Oasis' };
    const added = await hawiya(['offices', 'add', JSON.stringify(office)], env);
    assert.equal(added.code, 0, added.stderr);
    const before = (await hawiya(['offices', 'list'], env)).stdout;
    const listed = JSON.parse(before) as Array<{ code: string; active: boolean }>;
    assert.deepEqual(listed.find((each) => each.code === 'OASIS-PO'), { ...office, active: true });
    const bad = await hawiya(['offices', 'add', JSON.stringify({ ...office, code: 'oasis' })], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^hawiya: invalid office: code: /);
    const broken = await hawiya(['offices', 'add', '{'], env);
    assert.equal(broken.code, 2);
    assert.equal((await hawiya(['offices', 'list'], env)).stdout, before);
  });

  it('adds, lists and removes staff, audited as the command line', async () => {
    // The demo seed made Amina a clerk and Youssef a supervisor at the same office.
    const demo = JSON.parse((await hawiya(['staff', 'list', '--office', 'WADI-NOUR-PO'], env)).stdout) as Array<{ eid: string; role: string; name: string }>;
    assert.deepEqual(demo.map((member) => [member.name, member.role]).sort(), [['Amina Haddad', 'clerk'], ['Youssef Benali', 'supervisor']]);
    const eid = demo[0]!.eid;
    const moved = await hawiya(['staff', 'add', eid, '--role', 'supervisor', '--office', 'OASIS-PO'], env);
    assert.equal(moved.code, 0, moved.stderr);
    assert.deepEqual(JSON.parse((await hawiya(['staff', 'list', '--office', 'OASIS-PO'], env)).stdout).map((member: { eid: string }) => member.eid), [eid]);
    const noOffice = await hawiya(['staff', 'add', eid, '--role', 'clerk'], env);
    assert.equal(noOffice.code, 2);
    assert.match(noOffice.stderr, /registrar-admin has no office/);
    assert.equal((await hawiya(['staff', 'add', eid, '--role', 'boss', '--office', 'OASIS-PO'], env)).code, 2);
    assert.match((await hawiya(['staff', 'add', '000000000000', '--role', 'clerk', '--office', 'OASIS-PO'], env)).stderr, /no living person has this e-ID number/);
    const removed = await hawiya(['staff', 'remove', eid], env);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { removed: eid });
    const again = await hawiya(['staff', 'remove', eid], env);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /is not on the staff/);
    // Put back as the demo has it, for the tests after this one.
    assert.equal((await hawiya(['staff', 'add', eid, '--role', 'clerk', '--office', 'WADI-NOUR-PO'], env)).code, 0);
    const db = testDb ? testDb.reopen() : createDb({ dataDir: env.DATA_DIR! });
    try {
      const { rows } = await db.query<{ action: string; actor: string }>(`SELECT action, actor FROM audit_log WHERE action IN ('staff.added', 'staff.removed', 'office.saved') ORDER BY seq`);
      assert.ok(rows.length >= 5);
      assert.ok(rows.every((row) => row.actor === 'cli'));
    } finally {
      if (!testDb) await db.close();
    }
  });

  it('verifies the audit chain and names the first broken link', async () => {
    const ok = await hawiya(['audit', 'verify'], env);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { ok: boolean }).ok, true);
    const db = testDb ? testDb.reopen() : createDb({ dataDir: env.DATA_DIR! });
    try {
      await db.transaction(async (tx) => {
        await tx.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await tx.query(`UPDATE audit_log SET actor = 'someone else' WHERE seq = 2`);
        await tx.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      });
    } finally {
      if (!testDb) await db.close();
    }
    const broken = await hawiya(['audit', 'verify'], env);
    assert.equal(broken.code, 1);
    assert.deepEqual(JSON.parse(broken.stdout), { ok: false, seq: 2, reason: 'its content does not match its hash' });
  });
});
