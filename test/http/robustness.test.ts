// Bad input and failures: clear errors, nothing changed, and recovery on its own.
import assert from 'node:assert/strict';
import { createServer as createTcpServer, connect, type Socket, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestDb, startHawiya, newKek, backend, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, codeFlow, authorizationRequest } from '../support/relying-party.ts';
import { UserAgent } from '../support/user-agent.ts';
import { createDb, type Db } from '../../src/db/db.ts';

const SECRET = 'robustness-client-secret-0123456789-abcdefghij';

// A Db whose connection can be "lost": every call fails as a refused connection would.
function faultyDb(inner: Db): Db & { down: boolean } {
  const refuse = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const state = { down: false };
  const guard = <T>(call: () => Promise<T>): Promise<T> => (state.down ? Promise.reject(refuse()) : call());
  return Object.assign(state, {
    backend: inner.backend,
    query: ((sql: string, params?: readonly unknown[]) => guard(() => inner.query(sql, params))) as Db['query'],
    exec: (sql: string) => guard(() => inner.exec(sql)),
    copyRows: ((table, columns, rows) => guard(() => inner.copyRows(table, columns, rows))) as Db['copyRows'],
    transaction: (<T>(fn: Parameters<Db['transaction']>[0]) => guard(() => inner.transaction(fn) as Promise<T>)) as Db['transaction'],
    ping: () => guard(() => inner.ping()),
    listen: (channel: string, listener: Parameters<Db['listen']>[1]) => inner.listen(channel, listener),
    close: () => inner.close(),
  });
}

describe('bad input and failures', () => {
  let testDb: TestDb;
  let db: Db & { down: boolean };
  let hawiya: RunningHawiya;

  before(async () => {
    testDb = await createTestDb();
    db = faultyDb(testDb.db);
    hawiya = await startHawiya({ db, kek: newKek() });
    await registerClient(hawiya, { client_id: 'rp', client_secret: SECRET, grant_types: ['authorization_code', 'client_credentials'] });
    await createPerson(hawiya);
  });

  after(async () => {
    db.down = false;
    await hawiya.close();
    await testDb.drop();
  });

  it('caps request bodies on every endpoint', async () => {
    const response = await fetch(`${hawiya.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`rp:${SECRET}`).toString('base64')}` },
      body: `grant_type=client_credentials&padding=${'a'.repeat(200_000)}`,
    });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: string }).error, 'payload_too_large');
  });

  it('answers a malformed token request with invalid_request', async () => {
    const response = await fetch(`${hawiya.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_request');
  });

  it('ignores unknown authorization parameters', async () => {
    const config = await discover(hawiya.url, 'rp', SECRET);
    const { tokens } = await codeFlow(config, { unknown_parameter: 'x' });
    assert.ok(tokens.access_token);
  });

  it('answers 404 with a translated page for an unknown path', async () => {
    const response = await fetch(`${hawiya.url}/no/such/page`, { headers: { accept: 'text/html', 'accept-language': 'fr' } });
    assert.equal(response.status, 404);
    assert.match(await response.text(), /Cette page n’existe pas/);
  });

  it('is live, and ready only while the database answers; then recovers by itself', async () => {
    assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 200);
    const config = await discover(hawiya.url, 'rp', SECRET);
    const request = await authorizationRequest(config);
    db.down = true;
    try {
      assert.equal((await fetch(`${hawiya.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 503);
      const page = await new UserAgent().navigate(request.url.toString());
      assert.equal(page.status, 503);
      assert.match(page.html, /unavailable for a moment/);
    } finally {
      db.down = false;
    }
    assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 200);
    const { tokens } = await codeFlow(config);
    assert.ok(tokens.access_token);
  });
});

// A real lost connection: PostgreSQL reached through a TCP relay the test cuts and restores.
if (backend === 'postgres') {
  describe('a lost PostgreSQL connection (postgres)', () => {
    let relay: TcpServer;
    let sockets: Socket[] = [];
    let cut = false;
    let hawiya: RunningHawiya;
    let db: Db;
    let testDb: TestDb;

    before(async () => {
      testDb = await createTestDb();
      const target = new URL(testDb.url!);
      relay = createTcpServer((client) => {
        if (cut) return client.destroy();
        const upstream = connect(Number(target.port || 5432), target.hostname);
        sockets.push(client, upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => { client.destroy(); upstream.destroy(); };
        client.on('error', drop);
        upstream.on('error', drop);
      });
      await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
      // The same database and schema as testDb, reached through the relay.
      const throughRelay = new URL(testDb.url!);
      throughRelay.hostname = '127.0.0.1';
      throughRelay.port = String((relay.address() as AddressInfo).port);
      db = createDb({ databaseUrl: throughRelay.toString() });
      hawiya = await startHawiya({ db, kek: newKek() });
    });

    after(async () => {
      await hawiya.close();
      await db.close();
      relay.close();
      await testDb.drop();
    });

    it('answers 503 while the connection is lost and recovers when it returns', async () => {
      assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 200);
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets = [];
      assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 503);
      const metadata = await fetch(`${hawiya.url}/.well-known/openid-configuration`);
      assert.equal(metadata.status, 200, 'what needs no database still works');
      cut = false;
      assert.equal((await fetch(`${hawiya.url}/readyz`)).status, 200);
    });
  });
}
