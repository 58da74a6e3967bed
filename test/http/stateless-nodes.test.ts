// No provider state lives in process memory: two nodes on one database serve one person.
import assert from 'node:assert/strict';
import { jwtVerify, createRemoteJWKSet } from 'jose';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, authorizationRequest, PERSON, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent, hiddenInput, formAction } from '../support/user-agent.ts';

const SECRET = 'two-nodes-share-one-database-secret-0123456789';

// Sends the same path to another node, as a load balancer would.
const onNode = (node: RunningHawiya, url: string) => {
  const target = new URL(url);
  const base = new URL(node.url);
  target.host = base.host;
  return target.toString();
};

describe('stateless nodes', () => {
  let testDb: TestDb;
  let nodeA: RunningHawiya;
  let nodeB: RunningHawiya;

  before(async () => {
    testDb = await createTestDb();
    const kek = newKek();
    nodeA = await startHawiya({ db: testDb.db, kek });
    // Node B serves the same issuer from its own port, on its own pool.
    nodeB = await startHawiya({ db: testDb.reopen(), kek, issuer: nodeA.url });
    await createPerson(nodeA);
  });

  after(async () => {
    await nodeA.close();
    await nodeB.close();
    await testDb.drop();
  });

  it('serves the same JWKS from both nodes', async () => {
    const [a, b] = await Promise.all([nodeA, nodeB].map(async (node) => (await fetch(`${node.url}/jwks`)).json()));
    assert.deepEqual(a, b);
  });

  it('finds a client added on node A at once on node B', async () => {
    await registerClient(nodeA, { client_id: 'late-client', client_secret: SECRET });
    const response = await fetch(`${nodeB.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`late-client:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=nothing&redirect_uri=' + encodeURIComponent(REDIRECT_URI),
    });
    // The client authenticated (else invalid_client); only the made-up code is refused.
    assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant');
  });

  it('starts a sign-in on A, finishes it on B, and redeems at B a code issued by A', async () => {
    await registerClient(nodeA, { client_id: 'spread', client_secret: SECRET });
    const config = await discover(nodeA.url, 'spread', SECRET);
    const request = await authorizationRequest(config);
    const agent = new UserAgent();
    const atCallback = (url: string) => url.startsWith(REDIRECT_URI);
    // The cookies are set for host localhost:<A>; carry them to B as a shared domain would.
    const loginPage = await agent.navigate(request.url.toString(), {}, atCallback);
    const jarA = agent.cookies.get(new URL(nodeA.url).host)!;
    agent.cookies.set(new URL(nodeB.url).host, jarA);
    let page = await agent.navigate(onNode(nodeB, new URL(formAction(loginPage.html, '/login'), nodeA.url).toString()), {
      form: { csrf: hiddenInput(loginPage.html, 'csrf'), ...PERSON },
    }, atCallback);
    // Node B's redirects point at the issuer (A): the rest of the front channel runs on A.
    if (page.html.includes('/confirm')) {
      agent.cookies.set(new URL(nodeA.url).host, agent.cookies.get(new URL(nodeB.url).host)!);
      page = await agent.navigate(new URL(formAction(page.html, '/confirm'), nodeA.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf') } }, atCallback);
    }
    assert.ok(atCallback(page.url), `reached ${page.url}`);
    const callback = new URL(page.url);
    const code = callback.searchParams.get('code');
    assert.ok(code);

    const token = await fetch(`${nodeB.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`spread:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier }).toString(),
    });
    assert.equal(token.status, 200);
    const tokens = await token.json() as { id_token: string; access_token: string };
    const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(`${nodeA.url}/jwks`)), { issuer: nodeA.url, audience: 'spread' });
    assert.ok(payload.sub);

    // The access token issued by B is accepted by A's userinfo.
    const userinfo = await fetch(`${nodeA.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.equal(((await userinfo.json()) as { sub: string }).sub, payload.sub);
  });
});
