// No provider state lives in process memory: two nodes on one database serve one person.
import assert from 'node:assert/strict';
import { jwtVerify, createRemoteJWKSet } from 'jose';
import { createTestDb, startHawiya, startTwoNodes, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
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
    [nodeA, nodeB] = await startTwoNodes(testDb);
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

    // The same code redeemed again, at A this time, is refused.
    const replay = await fetch(`${nodeA.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`spread:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: request.verifier }).toString(),
    });
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
  });

  it('redeems a code exactly once when two nodes are asked at the same moment', async () => {
    await registerClient(nodeA, { client_id: 'racer', client_secret: SECRET });
    const config = await discover(nodeA.url, 'racer', SECRET);
    const request = await authorizationRequest(config);
    const { signIn } = await import('../support/user-agent.ts');
    const callback = await signIn(new UserAgent(), request.url.toString(), PERSON, REDIRECT_URI);
    const body = new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: request.verifier }).toString();
    const redeem = (node: RunningHawiya) => fetch(`${node.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`racer:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const responses = await Promise.all([redeem(nodeA), redeem(nodeB), redeem(nodeA), redeem(nodeB)]);
    assert.deepEqual(responses.map((response) => response.status).sort(), [200, 400, 400, 400]);
    const winner = responses.find((response) => response.status === 200)!;
    const { access_token: accessToken } = await winner.json() as { access_token: string };
    // Reuse revoked the grant, so even the winner's token is now dead.
    const userinfo = await fetch(`${nodeA.url}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(userinfo.status, 401);
  });

  it('refuses to start with a key-encryption key other than the one the keys were sealed under', async () => {
    const { KeyEncryptionKeyMismatch } = await import('../../src/oidc/keys.ts');
    await assert.rejects(startHawiya({ db: testDb.reopen(), kek: newKek(), issuer: nodeA.url }), KeyEncryptionKeyMismatch);
  });

  it('accepts at A the access token issued by B', async () => {
    await registerClient(nodeA, { client_id: 'spread2', client_secret: SECRET });
    const config = await discover(nodeA.url, 'spread2', SECRET);
    const request = await authorizationRequest(config);
    const { signIn } = await import('../support/user-agent.ts');
    const callback = await signIn(new UserAgent(), request.url.toString(), PERSON, REDIRECT_URI);
    const token = await fetch(`${nodeB.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`spread2:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: request.verifier }).toString(),
    });
    const tokens = await token.json() as { access_token: string };
    const payload = { sub: (await (await fetch(`${nodeB.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json() as { sub: string }).sub };
    const userinfo = await fetch(`${nodeA.url}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(userinfo.status, 200);
    assert.equal(((await userinfo.json()) as { sub: string }).sub, payload.sub);
  });
});
