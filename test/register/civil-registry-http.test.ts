import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { createManualClock } from '../../src/clock.ts';
import { createHttpRegistry, type HttpRegistry, type HttpRegistryOptions } from '../../src/register/civil-registry-http.ts';
import { RegistryUnavailable, type RegistryEvent } from '../../src/register/civil-registry.ts';
import { createTestPki, type TestPki } from '../support/test-pki.ts';
import { civilNumberFrom, sampleBirth, sampleDeath, sampleRecord } from '../support/registry-records.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
}

describe('HTTPS civil registry (mutual TLS)', function () {
  this.timeout(10_000);
  const youssef = sampleRecord();
  const unknownNumber = civilNumberFrom('555555555');
  let pki: TestPki;
  let server: Server;
  let baseUrl: string;
  // What the registry answers, and what it was asked; each test sets its own.
  let handler: Handler;
  let hits: string[];
  let clientNames: string[];
  const opened: HttpRegistry[] = [];

  const personsOnFile: Handler = (req, res) => {
    if (req.url === `/persons/${youssef.civilNumber}`) sendJson(res, 200, youssef);
    else sendJson(res, 404, { error: 'not_found' });
  };

  function registry(overrides: Partial<HttpRegistryOptions> = {}): HttpRegistry & { sleeps: number[]; clock: ReturnType<typeof createManualClock> } {
    const sleeps: number[] = [];
    const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
    const created = createHttpRegistry({
      baseUrl,
      tls: { cert: pki.client.cert, key: pki.client.key, ca: pki.ca },
      timeoutMs: 2000,
      retries: 2,
      backoffMs: 100,
      breaker: { failureThreshold: 5, resetMs: 30_000 },
      clock,
      random: () => 0.5,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });
    opened.push(created);
    return Object.assign(created, { sleeps, clock });
  }

  before(async () => {
    pki = createTestPki();
    server = createServer({ ...pki.server, ca: pki.ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      hits.push(req.url ?? '');
      clientNames.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    handler = personsOnFile;
    hits = [];
    clientNames = [];
  });

  afterEach(() => {
    for (const each of opened.splice(0)) each.close();
    server.closeAllConnections();
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    pki.remove();
  });

  it('looks a person up with Hawiya\'s client certificate', async () => {
    const client = registry();
    assert.deepEqual(await client.lookup(youssef.civilNumber), youssef);
    assert.equal(await client.lookup(unknownNumber), null);
    assert.deepEqual(clientNames, ['hawiya', 'hawiya']);
  });

  it('does not ask about a number that cannot exist', async () => {
    const client = registry();
    assert.equal(await client.lookup('../events'), null);
    assert.deepEqual(hits, []);
  });

  it('matches on our side, in either script, and answers unknown and mismatched alike', async () => {
    const client = registry();
    const details = { civilNumber: youssef.civilNumber, givenName: 'Yusuf', familyName: 'Ibn Ali', birthDate: youssef.birthDate };
    assert.deepEqual(await client.match(details), { matched: true, record: youssef });
    assert.deepEqual(await client.match({ ...details, givenName: 'يوسف', familyName: 'بن علي' }), { matched: true, record: youssef });
    assert.deepEqual(await client.match({ ...details, civilNumber: unknownNumber }), { matched: false });
    assert.deepEqual(await client.match({ ...details, birthDate: '1991-04-12' }), { matched: false });
  });

  it('is refused without a client certificate, or with one from another CA', async () => {
    const bare = new Promise<number>((resolve, reject) => {
      const req = request(`${baseUrl}/persons/${youssef.civilNumber}`, { ca: pki.ca, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    await assert.rejects(bare);
    const stranger = registry({ tls: { ...pki.strangerClient, ca: pki.ca }, retries: 0 });
    await assert.rejects(stranger.lookup(youssef.civilNumber), RegistryUnavailable);
    assert.deepEqual(hits, []);
  });

  it('retries a 5xx with growing, jittered waits, and succeeds', async () => {
    let calls = 0;
    handler = (req, res) => (++calls <= 2 ? sendJson(res, 500, { error: 'busy' }) : personsOnFile(req, res));
    const client = registry({ random: () => 0.5 });
    assert.deepEqual(await client.lookup(youssef.civilNumber), youssef);
    assert.equal(hits.length, 3);
    // Half of each step fixed, half random: 100 → 75, 200 → 150 with random 0.5.
    assert.deepEqual(client.sleeps, [75, 150]);
  });

  it('gives up after the retries with RegistryUnavailable', async () => {
    handler = (_req, res) => sendJson(res, 503, {});
    const client = registry({ retries: 2 });
    await assert.rejects(client.lookup(youssef.civilNumber), (err: Error) => {
      assert.ok(err instanceof RegistryUnavailable);
      assert.match(err.message, /answered 503 \(after 3 attempts\)/);
      return true;
    });
    assert.equal(hits.length, 3);
  });

  it('never retries a 4xx', async () => {
    handler = (_req, res) => sendJson(res, 403, { error: 'forbidden' });
    const client = registry();
    await assert.rejects(client.lookup(youssef.civilNumber), /answered 403/);
    assert.equal(hits.length, 1);
    assert.deepEqual(client.sleeps, []);
  });

  it('times out a registry that does not answer', async () => {
    handler = () => {};
    const client = registry({ timeoutMs: 150, retries: 1 });
    const started = Date.now();
    await assert.rejects(client.lookup(youssef.civilNumber), /timed out after 150 ms \(after 2 attempts\)/);
    assert.equal(hits.length, 2);
    assert.ok(Date.now() - started < 2000);
  });

  it('opens the circuit after consecutive failures, fails fast, then recovers through one trial', async () => {
    handler = (_req, res) => sendJson(res, 502, {});
    const client = registry({ retries: 0, breaker: { failureThreshold: 3, resetMs: 30_000 } });
    for (let i = 0; i < 3; i++) await assert.rejects(client.lookup(youssef.civilNumber), /answered 502/);
    assert.equal(hits.length, 3);

    handler = personsOnFile;
    await assert.rejects(client.lookup(youssef.civilNumber), /circuit is open/);
    client.clock.advance(29);
    await assert.rejects(client.lookup(youssef.civilNumber), /circuit is open/);
    assert.equal(hits.length, 3);

    client.clock.advance(1);
    assert.deepEqual(await client.lookup(youssef.civilNumber), youssef);
    assert.deepEqual(await client.lookup(youssef.civilNumber), youssef);
    assert.equal(hits.length, 5);
  });

  it('lets only one trial through when half-open, and reopens when it fails', async () => {
    handler = (_req, res) => sendJson(res, 500, {});
    const client = registry({ retries: 0, breaker: { failureThreshold: 1, resetMs: 1000 } });
    await assert.rejects(client.lookup(youssef.civilNumber), /answered 500/);
    client.clock.advance(1);
    const trial = client.lookup(youssef.civilNumber);
    await assert.rejects(client.lookup(youssef.civilNumber), /circuit is open/);
    await assert.rejects(trial, /answered 500/);
    await assert.rejects(client.lookup(youssef.civilNumber), /circuit is open/);
    assert.equal(hits.length, 2);
  });

  it('stops retrying once the circuit opens', async () => {
    handler = (_req, res) => sendJson(res, 500, {});
    const client = registry({ retries: 5, breaker: { failureThreshold: 2, resetMs: 1000 } });
    await assert.rejects(client.lookup(youssef.civilNumber), /circuit is open/);
    assert.equal(hits.length, 2);
  });

  it('reports a malformed answer clearly, without retrying', async () => {
    handler = (_req, res) => sendJson(res, 200, '{"civilNumber": ');
    const client = registry();
    await assert.rejects(client.lookup(youssef.civilNumber), (err: Error) => {
      assert.ok(err instanceof RegistryUnavailable);
      assert.match(err.message, /GET \/persons\/\d{10} answered with a body that is not valid JSON/);
      return true;
    });
    handler = (_req, res) => sendJson(res, 200, { ...youssef, birthDate: '1990-02-30' });
    await assert.rejects(client.lookup(youssef.civilNumber), /invalid body: birthDate: is not a real date/);
    handler = (_req, res) => sendJson(res, 200, { ...youssef, civilNumber: unknownNumber });
    await assert.rejects(client.lookup(youssef.civilNumber), /record of another civil number/);
    assert.equal(hits.length, 3);
  });

  it('pages events after a cursor', async () => {
    const fatima = sampleRecord({ civilNumber: civilNumberFrom('987654321') });
    const log: RegistryEvent[] = [sampleBirth('e1', youssef), sampleBirth('e2', fatima), sampleDeath('e3', youssef, '2024-02-01')];
    handler = (req, res) => {
      const url = new URL(req.url ?? '/', baseUrl);
      const after = url.searchParams.get('after');
      const start = after === null ? 0 : log.findIndex((event) => event.id === after) + 1;
      const events = log.slice(start, start + Number(url.searchParams.get('limit')));
      sendJson(res, 200, { events, cursor: events.at(-1)?.id ?? after });
    };
    const client = registry();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await client.events(cursor, 2);
      if (page.events.length === 0) break;
      seen.push(...page.events.map((event) => event.id));
      cursor = page.cursor;
    }
    assert.deepEqual(seen, ['e1', 'e2', 'e3']);
    assert.equal(cursor, 'e3');
    assert.deepEqual(hits, ['/events?limit=2', '/events?after=e2&limit=2', '/events?after=e3&limit=2']);
  });

  it('rejects an events page with a broken event, naming it', async () => {
    handler = (_req, res) => sendJson(res, 200, { events: [sampleBirth('e1', youssef), { ...sampleDeath('e2', youssef, '2024-02-01'), deathDate: '2024-02-30' }], cursor: 'e2' });
    await assert.rejects(registry().events(null, 10), /invalid body: events\.1\.deathDate: is not a real date/);
  });
});
