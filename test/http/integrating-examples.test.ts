// The programs of docs/examples, run against a real server: what docs/integrating.md
// tells agencies to do works as written.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { createPerson, registerClient, PERSON } from '../support/relying-party.ts';
import { UserAgent, signIn } from '../support/user-agent.ts';
import { clientKey, createAgency } from '../support/federation.ts';
import { deliverDueLogouts } from '../../src/oidc/logout-delivery.ts';
import { endAllSessions } from '../../src/oidc/sessions.ts';
import { registerService } from '../../docs/examples/register.ts';
import { connect, startSignIn, finishSignIn, LEVELS } from '../../docs/examples/sign-in.ts';
import { logoutTokenVerifier } from '../../docs/examples/backchannel-logout.ts';

const REDIRECT = 'https://returns.tax.example.gov/oidc/callback';

describe('docs/examples against a running Hawiya', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let accountId: string;

  before(async () => {
    testDb = await createTestDb();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    await createAgency(hawiya, 'tax');
    accountId = await createPerson(hawiya);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
  });

  it('registers a service, signs a person in with PAR, private_key_jwt and DPoP, and checks the logout token', async () => {
    const { services } = hawiya.hawiya;
    const { token } = await services.initialAccessTokens.issue('tax', 600, 'test');
    const key = await clientKey();
    const registered = await registerService(new URL(hawiya.url), token, key.publicJwk, { insecure: true });
    assert.equal((await services.clients.find(registered.client_id))?.hawiya_agency, 'tax');

    const connection = await connect(new URL(hawiya.url), registered.client_id, key.privateKey, key.kid, { insecure: true });
    const session = {};
    const low = LEVELS[0]!;
    const url = await startSignIn(connection, session, REDIRECT, low);
    const callback = await signIn(new UserAgent(), url.toString(), PERSON, REDIRECT);
    const signedIn = await finishSignIn(connection, callback, session, low);
    assert.equal(signedIn.profile.name, 'Salma El Khatib');
    assert.ok(signedIn.sid);

    // The receiver of the example, behind a local endpoint (registered by an admin:
    // dynamic registration takes https only).
    const verify = logoutTokenVerifier(hawiya.url, registered.client_id);
    const received: Array<{ sub: string; sid: string | undefined }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk; });
      req.on('end', () => {
        verify(new URLSearchParams(body).get('logout_token') ?? '').then((logout) => {
          received.push(logout);
          res.writeHead(200).end();
        }, () => res.writeHead(400).end());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const stored = (await services.clients.find(registered.client_id))!;
      await registerClient(hawiya, { ...stored, backchannel_logout_uri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/logout` });
      await endAllSessions({ db: testDb.db, clock: services.clock }, { accountId, requestId: 'test' });
      await deliverDueLogouts({ db: testDb.db, clock: services.clock, provider: () => services.provider.current(), retrySeconds: 30, maxAttempts: 3, timeoutMs: 5000 });
      assert.deepEqual(received, [{ sub: signedIn.sub, sid: signedIn.sid }]);
    } finally {
      receiver.close();
    }
  });
});
