// Each node keeps the clients it has read (oidc/clients.ts): a change made on one node
// must reach every other at once through the database's notifications, and a node that
// lost its notification connection must forget what it holds.
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDb, startTwoNodes, backend, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient } from '../support/relying-party.ts';

const tokenRequest = (node: RunningHawiya, clientId: string, secret: string) => fetch(`${node.url}/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: 'grant_type=client_credentials',
});

// Notifications arrive after the commit, a moment later: asks until the answer comes, or
// gives up after a generous while (a missed notification fails the test, never a slow one).
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail(what);
}

describe(`the client cache across nodes (${backend})`, () => {
  let testDb: TestDb;
  let nodeA: RunningHawiya;
  let nodeB: RunningHawiya;

  before(async () => {
    testDb = await createTestDb();
    [nodeA, nodeB] = await startTwoNodes(testDb);
  });

  after(async () => {
    await nodeA.close();
    await nodeB.close();
    await testDb.drop();
  });

  it('takes a secret changed on node B at node A, and refuses the old one there', async () => {
    await registerClient(nodeA, { client_id: 'rotating', client_secret: 'first-secret-0123456789-abcdefghijklmnop', grant_types: ['client_credentials'] });
    assert.equal((await tokenRequest(nodeA, 'rotating', 'first-secret-0123456789-abcdefghijklmnop')).status, 200, 'A has read (and kept) the client');
    const stored = await nodeB.hawiya.services.clients.find('rotating');
    await nodeB.hawiya.services.clients.save({ ...stored!, client_secret: 'second-secret-0123456789-abcdefghijklmnop' }, 'test');
    await eventually(async () => (await tokenRequest(nodeA, 'rotating', 'second-secret-0123456789-abcdefghijklmnop')).status === 200, 'A never took the new secret');
    assert.equal((await tokenRequest(nodeA, 'rotating', 'first-secret-0123456789-abcdefghijklmnop')).status, 401);
  });

  it('stops serving at node A a client removed on node B', async () => {
    await registerClient(nodeA, { client_id: 'leaving', client_secret: 'leaving-secret-0123456789-abcdefghijklmn', grant_types: ['client_credentials'] });
    assert.equal((await tokenRequest(nodeA, 'leaving', 'leaving-secret-0123456789-abcdefghijklmn')).status, 200);
    assert.equal(await nodeB.hawiya.services.clients.remove('leaving', 'test'), true);
    await eventually(async () => (await tokenRequest(nodeA, 'leaving', 'leaving-secret-0123456789-abcdefghijklmn')).status === 401, 'A still serves a removed client');
  });

  it('never hands out the cached object itself', async () => {
    const first = await nodeA.hawiya.services.clients.find('rotating');
    first!.client_name = 'changed by a caller';
    assert.notEqual((await nodeA.hawiya.services.clients.find('rotating'))!.client_name, 'changed by a caller');
  });

  if (backend === 'postgres') {
    it('forgets everything when its notification connection is lost, and listens again', async () => {
      await registerClient(nodeA, { client_id: 'unheard', client_secret: 'unheard-secret-0123456789-abcdefghijklmn', grant_types: ['client_credentials'] });
      assert.equal((await tokenRequest(nodeA, 'unheard', 'unheard-secret-0123456789-abcdefghijklmn')).status, 200);
      // The change is made behind the nodes' backs (no notification), then every listening
      // connection is cut, as a database failover would.
      const admin = new pg.Client({ connectionString: testDb.url! });
      await admin.connect();
      try {
        await admin.query(`UPDATE clients SET metadata = jsonb_set(metadata, '{grant_types}', '["authorization_code"]') WHERE client_id = 'unheard'`);
        const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN hawiya_clients' AND pid <> pg_backend_pid()`);
        assert.ok((rowCount ?? 0) >= 2, 'both nodes were listening');
      } finally {
        await admin.end();
      }
      await eventually(async () => (await tokenRequest(nodeA, 'unheard', 'unheard-secret-0123456789-abcdefghijklmn')).status === 400, 'A kept a client it may have missed a change to');
      // Listening again: a later change still reaches A at once.
      await nodeB.hawiya.services.clients.remove('unheard', 'test');
      await eventually(async () => (await tokenRequest(nodeA, 'unheard', 'unheard-secret-0123456789-abcdefghijklmn')).status === 401, 'A did not listen again');
    });
  }
});
