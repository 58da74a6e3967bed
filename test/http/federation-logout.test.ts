// Back-channel logout through the delivery queue: every client of the session is told,
// whether the session ends by the relying party's logout, on the person's account page,
// or by a death in the register; a receiver that fails is retried with a doubling delay
// until it answers, and given up after the last attempt, visibly to admins.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, signInThrough, fictionalRecord, oidc, POST_LOGOUT_URI, PERSON } from '../support/relying-party.ts';
import { UserAgent, hiddenInput } from '../support/user-agent.ts';
import { createAgency } from '../support/federation.ts';
import { deliverDueLogouts, listLogoutDeliveries } from '../../src/oidc/logout-delivery.ts';
import { endAllSessions } from '../../src/oidc/sessions.ts';
import { applyRegistryEvent } from '../../src/register/events.ts';

const SECRET = 'a-long-enough-client-secret-for-federation-tests-0123456789';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

// A relying party's back-channel logout endpoint that fails its first `failures` POSTs.
interface Receiver {
  url: string;
  tokens: string[];
  attempts: number;
  server: Server;
}

async function receiver(failures: number): Promise<Receiver> {
  const state: Receiver = { url: '', tokens: [], attempts: 0, server: createServer() };
  state.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk; });
    req.on('end', () => {
      state.attempts += 1;
      if (state.attempts <= failures) {
        res.writeHead(500).end();
        return;
      }
      state.tokens.push(new URLSearchParams(body).get('logout_token') ?? '');
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => state.server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(state.server.address() as AddressInfo).port}/backchannel-logout`;
  return state;
}

describe('federation: back-channel logout through the delivery queue', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  const clock = createOffsetClock();
  const receivers: Receiver[] = [];
  let flaky: Receiver;
  let steady: Receiver;
  let broken: Receiver;
  const record = fictionalRecord();
  let accountId: string;

  const deliver = (maxAttempts = 12) => deliverDueLogouts({
    db: testDb.db, clock, provider: () => hawiya.hawiya.services.provider.current(), retrySeconds: 30, maxAttempts, timeoutMs: 5000,
  });
  const deliveries = async (reason: string) => (await testDb.db.query<{ client_id: string; sid: string; attempts: number; delivered_at: Date | null }>(
    'SELECT client_id, sid, attempts, delivered_at FROM logout_deliveries WHERE reason = $1 ORDER BY client_id', [reason],
  )).rows;

  before(async () => {
    testDb = await createTestDb();
    // The app's own worker would run on its timer; here the test drives every attempt.
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock, config: { backchannelLogout: { intervalSeconds: 3600 } } });
    await createAgency(hawiya, 'tax');
    flaky = await receiver(2);
    steady = await receiver(0);
    broken = await receiver(1000);
    receivers.push(flaky, steady, broken);
    for (const [clientId, target] of [['rp-flaky', flaky], ['rp-steady', steady], ['rp-broken', broken]] as const) {
      await registerClient(hawiya, { client_id: clientId, client_secret: SECRET, hawiya_agency: 'tax', backchannel_logout_uri: target.url, redirect_uris: [`http://127.0.0.1:9/${clientId}`] });
    }
    accountId = await createPerson(hawiya, PERSON, record);
  });

  after(async () => {
    await hawiya.close();
    for (const each of receivers) each.server.close();
    await testDb.drop();
  });

  const discover = (clientId: string) => oidc.discovery(new URL(hawiya.url), clientId, SECRET, oidc.ClientSecretBasic(SECRET), { execute: [oidc.allowInsecureRequests] });

  async function signInto(agent: UserAgent, clientId: string) {
    const config = await discover(clientId);
    const redirectUri = `http://127.0.0.1:9/${clientId}`;
    const flow = await signInThrough(config, agent, { redirect_uri: redirectUri });
    return { config, tokens: await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state }) };
  }

  it('tells every client of the session on RP-initiated logout, retrying a receiver that fails twice', async () => {
    const agent = new UserAgent();
    const flakySignIn = await signInto(agent, 'rp-flaky');
    await signInto(agent, 'rp-steady');
    const sid = flakySignIn.tokens.claims()!.sid;
    assert.ok(sid, 'the ID token carries sid');

    const logout = oidc.buildEndSessionUrl(flakySignIn.config, { id_token_hint: flakySignIn.tokens.id_token!, post_logout_redirect_uri: POST_LOGOUT_URI });
    const page = await agent.navigate(logout.toString());
    const action = /action="([^"]+)"/.exec(page.html.slice(page.html.indexOf('op.logoutForm') - 200))![1]!;
    await agent.navigate(new URL(action, hawiya.url).toString(), { form: { xsrf: hiddenInput(page.html, 'xsrf'), logout: 'yes' } }, (url) => url.startsWith(POST_LOGOUT_URI));

    assert.deepEqual((await deliveries('rp_logout')).map((row) => row.client_id), ['rp-flaky', 'rp-steady'], 'queued, not yet sent');
    assert.deepEqual(await deliver(), { delivered: 1, failed: 1 });
    assert.equal(steady.tokens.length, 1);
    assert.deepEqual(await deliver(), { delivered: 0, failed: 0 }, 'nothing due before the retry delay');
    clock.advance(31);
    assert.deepEqual(await deliver(), { delivered: 0, failed: 1 }, 'the second failure');
    clock.advance(61);
    assert.deepEqual(await deliver(), { delivered: 1, failed: 0 }, 'the third attempt, after a doubled delay');
    assert.equal(flaky.attempts, 3);

    const [token] = flaky.tokens;
    assert.equal(decodeProtectedHeader(token!).typ, 'logout+jwt');
    const { payload } = await jwtVerify(token!, createRemoteJWKSet(new URL(`${hawiya.url}/jwks`)), { issuer: hawiya.url, audience: 'rp-flaky' });
    assert.equal(payload.sid, sid);
    assert.equal(payload.sub, flakySignIn.tokens.claims()!.sub);
    assert.deepEqual(payload.events, { [BACKCHANNEL_EVENT]: {} });
    assert.equal(payload.nonce, undefined);
    const [row] = (await deliveries('rp_logout')).filter((each) => each.client_id === 'rp-flaky');
    assert.equal(row!.attempts, 3);
    assert.ok(row!.delivered_at);
  });

  it('tells them when the person ends their sessions on the account page', async () => {
    const agent = new UserAgent();
    const { tokens } = await signInto(agent, 'rp-steady');
    await endAllSessions({ db: testDb.db, clock }, { accountId, requestId: 'test' });
    const queued = await deliveries('account_page');
    assert.deepEqual(queued.map((row) => [row.client_id, row.sid]), [['rp-steady', tokens.claims()!.sid]]);
    const before = steady.tokens.length;
    await deliver();
    assert.equal(steady.tokens.length, before + 1);
  });

  it('gives a delivery up after its last attempt, and shows why to admins', async () => {
    await signInto(new UserAgent(), 'rp-broken');
    await endAllSessions({ db: testDb.db, clock }, { accountId, requestId: 'test' });
    for (let attempt = 0; attempt < 3; attempt++) {
      await deliver(3);
      clock.advance(3600);
    }
    const [status] = await listLogoutDeliveries(testDb.db, { clientId: 'rp-broken', limit: 10 });
    assert.equal(status!.status, 'abandoned');
    assert.equal(status!.attempts, 3);
    assert.equal(status!.last_status, 500);
    assert.equal(status!.last_error, 'answered 500');
    assert.equal(broken.attempts, 3);
  });

  it('tells them when the person dies', async () => {
    await signInto(new UserAgent(), 'rp-steady');
    await applyRegistryEvent({ db: testDb.db, clock }, {
      id: 'death-1', type: 'death', civilNumber: record.civilNumber, version: record.version + 1, occurredAt: '2026-11-20T08:00:00Z', deathDate: '2026-11-19',
    }, { actor: 'registry' });
    assert.deepEqual((await deliveries('death')).map((row) => row.client_id), ['rp-steady']);
  });
});
