// Every curl snippet of docs/integrating.md, run as written by bash and the real curl
// against a running Hawiya, so the guide cannot drift from the product.
//
// What the test changes, and nothing else:
// - the guide's issuer, https://id.example.gov, becomes the test server's URL;
// - the shell variables a snippet uses are those its reader would hold: $ADMIN_TOKEN
//   from an admin client's client-credentials grant (private_key_jwt, hawiya:admin),
//   and the values an earlier answer handed out (EXPECTED[].exports);
// - `curl` is a shell function around the real binary that also records each call's
//   method, status, URL and body, so each answer is checked against what the guide says.
// The ```sh blocks run in the guide's order, each in its own `bash -euo pipefail`, in
// one working directory (a block may write a file a later line reads).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importJWK, type JWK } from 'jose';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, oidc } from '../support/relying-party.ts';
import { clientKey, discoverWithKey, privateKeyJwtClient } from '../support/federation.ts';

const GUIDE = new URL('../../docs/integrating.md', import.meta.url);
const DOCUMENTED_ISSUER = 'https://id.example.gov';

interface ShellBlock {
  line: number;
  script: string;
}

function curlBlocks(markdown: string): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  for (const match of markdown.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```$/gm)) {
    if (!/\bcurl\b/.test(match[1]!)) continue;
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, script: match[1]! });
  }
  return blocks;
}

// Writes NNN.meta ("METHOD STATUS URL") and NNN.body per call, and still prints the body
// as curl would. The count comes from the files, so a call inside $(…) counts too.
const RECORDING_CURL = String.raw`
curl() {
  local call
  call="$HAWIYA_CURL_LOG/$(printf '%03d' "$(find "$HAWIYA_CURL_LOG" -name '*.meta' | wc -l)")"
  command curl "$@" --output "$call.body" --write-out '%{method} %{http_code} %{url_effective}' > "$call.meta"
  if [ -f "$call.body" ]; then cat "$call.body"; fi
}
`;

type Json = Record<string, unknown>;

interface Call {
  request: string; // "METHOD /path?query"
  status: number;
  url: string;
  body: Json | null;
}

interface Expectation {
  name: string;
  request: RegExp;
  status: number;
  check(body: Json, answers: Map<string, Json>, hawiya: RunningHawiya): void | Promise<void>;
  // Shell variables for the later blocks: variable ← field of this answer.
  exports?: Record<string, string>;
}

const keysOf = (value: unknown) => Object.keys(value as Json).sort();

// What docs/integrating.md says each call answers, in its words.
const EXPECTED: Expectation[] = [
  {
    name: 'adds an agency', request: /^POST \/api\/admin\/agencies$/, status: 201,
    check(body) {
      assert.equal(body.code, 'tax');
      assert.deepEqual(keysOf(body.names), ['ar', 'en', 'fr']);
      assert.deepEqual(body.allowed_scopes, ['openid', 'profile']);
    },
  },
  {
    name: 'issues an initial access token, shown once', request: /^POST \/api\/admin\/agencies\/tax\/initial-access-tokens$/, status: 201,
    check(body) {
      assert.equal(typeof body.token, 'string');
      assert.equal(Date.parse(String(body.expires_at)) - Date.parse(String(body.created_at)), 86400 * 1000, 'expires_in is honoured');
    },
    exports: { INITIAL_ACCESS_TOKEN: 'token' },
  },
  {
    name: 'registers a client of the agency, the secret once', request: /^POST \/api\/admin\/clients$/, status: 201,
    check(body) {
      assert.equal(body.client_id, 'tax-portal');
      assert.equal(body.hawiya_agency, 'tax');
      assert.equal(typeof body.client_secret, 'string');
    },
  },
  {
    name: 'lists the agency\'s clients', request: /^GET \/api\/admin\/clients\?agency=tax$/, status: 200,
    check(body) {
      assert.deepEqual((body.clients as Json[]).map((client) => client.client_id), ['tax-portal']);
      assert.ok((body.clients as Json[]).every((client) => client.client_secret === undefined), 'a listing never shows a secret');
    },
  },
  {
    name: 'gives the client a new secret', request: /^POST \/api\/admin\/clients\/tax-portal\/secret$/, status: 200,
    check(body, answers) {
      assert.deepEqual(keysOf(body), ['client_id', 'client_secret']);
      assert.notEqual(body.client_secret, answers.get('registers a client of the agency, the secret once')?.client_secret);
    },
  },
  {
    name: 'lists the client\'s abandoned logout deliveries', request: /^GET \/api\/admin\/logout-deliveries\?client_id=tax-portal&status=abandoned$/, status: 200,
    check(body) {
      assert.deepEqual(body, { logout_deliveries: [] });
    },
  },
  {
    name: 'registers a client with the initial access token', request: /^POST \/reg$/, status: 201,
    async check(body, _answers, hawiya) {
      assert.equal(typeof body.client_id, 'string');
      assert.equal(body.client_secret, undefined, 'private_key_jwt needs no secret');
      assert.equal(typeof body.registration_access_token, 'string');
      assert.equal(body.registration_client_uri, `${hawiya.url}/reg/${String(body.client_id)}`);
      assert.equal(body.scope, 'openid profile', 'left out, the scopes are the agency\'s defaults');
      // Registration does not import the keys, so check here that the guide's is a real one.
      for (const jwk of (body.jwks as { keys: JWK[] }).keys) await importJWK(jwk, 'ES256');
      assert.equal((await hawiya.hawiya.services.clients.find(String(body.client_id)))?.hawiya_agency, 'tax');
    },
    exports: { REGISTRATION_CLIENT_URI: 'registration_client_uri', REGISTRATION_ACCESS_TOKEN: 'registration_access_token' },
  },
  {
    name: 'reads the registration back', request: /^GET \/reg\/[\w-]+$/, status: 200,
    check(body, answers) {
      const registered = answers.get('registers a client with the initial access token')!;
      assert.equal(body.client_id, registered.client_id);
      assert.equal(body.require_pushed_authorization_requests, true);
      assert.equal(body.dpop_bound_access_tokens, true);
    },
  },
];

async function recordedCalls(logDir: string, origin: string): Promise<Call[]> {
  const metas = (await readdir(logDir)).filter((name) => name.endsWith('.meta')).sort();
  return Promise.all(metas.map(async (meta) => {
    const [method, status, url] = (await readFile(join(logDir, meta), 'utf8')).split(' ');
    assert.ok(url!.startsWith(`${origin}/`), `a call outside the server under test: ${url}`);
    const text = await readFile(join(logDir, meta.replace(/\.meta$/, '.body')), 'utf8').catch(() => '');
    return { request: `${method} ${url!.slice(origin.length)}`, status: Number(status), url: url!, body: text ? JSON.parse(text) as Json : null };
  }));
}

describe('docs/integrating.md: the curl snippets against a running Hawiya', () => {
  const blocks = curlBlocks(readFileSync(GUIDE, 'utf8'));
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let workDir: string;
  const variables: Record<string, string> = {};
  const answers = new Map<string, Json>();

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    // The operator's admin client, registered at the command line in production.
    const key = await clientKey();
    await registerClient(hawiya, privateKeyJwtClient('operator', key, { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], hawiya_roles: ['admin'], scope: 'hawiya:admin' }));
    variables.ADMIN_TOKEN = (await oidc.clientCredentialsGrant(await discoverWithKey(hawiya.url, 'operator', key), { scope: 'hawiya:admin' })).access_token;
    workDir = await mkdtemp(join(tmpdir(), 'hawiya-curl-'));
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('finds the guide\'s curl snippets', () => {
    assert.ok(blocks.length >= 3, `only ${blocks.length} curl blocks found: has the guide's markup changed?`);
  });

  for (const block of blocks) {
    it(`runs the block at line ${block.line}: ${block.script.split('\n')[0]!.replace(/\s*\\$/, '')}`, async () => {
      const logDir = await mkdtemp(join(workDir, 'calls-'));
      const script = RECORDING_CURL + block.script.replaceAll(DOCUMENTED_ISSUER, hawiya.url);
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: workDir, LC_ALL: 'C.UTF-8', HAWIYA_CURL_LOG: logDir, ...variables };
      await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], { cwd: workDir, env });

      const calls = await recordedCalls(logDir, hawiya.url);
      assert.equal(calls.length, (block.script.match(/^\s*curl /gm) ?? []).length, 'every curl line made one call');
      for (const call of calls) {
        const expected = EXPECTED.find((each) => each.request.test(call.request));
        assert.ok(expected, `the guide calls ${call.request}, which this test does not check: add it to EXPECTED`);
        assert.equal(call.status, expected.status, `${call.request}: ${JSON.stringify(call.body)}`);
        assert.ok(call.body, `${call.request} answered no body`);
        await expected.check(call.body, answers, hawiya);
        answers.set(expected.name, call.body);
        for (const [variable, field] of Object.entries(expected.exports ?? {})) variables[variable] = String(call.body[field]);
      }
    });
  }

  it('made every call this test expects, so none was dropped from the guide unnoticed', () => {
    assert.deepEqual(EXPECTED.filter((each) => !answers.has(each.name)).map((each) => each.name), []);
  });
});
