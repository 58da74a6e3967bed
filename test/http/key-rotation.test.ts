// `hawiya keys rotate`: a new key is published before it signs, then signs, and the old
// key stays published until the longest-lived token it signed has expired. A relying
// party keeps validating ID tokens through the whole rotation.
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, createPerson, discover, signInThrough, authorizationRequest, oidc, REDIRECT_URI } from '../support/relying-party.ts';
import { UserAgent } from '../support/user-agent.ts';
import { rotateKeys } from '../../src/oidc/keys.ts';
import { keyLifetimes } from '../../src/oidc/provider.ts';

const SECRET = 'rotation-client-secret-0123456789-abcdefghijkl';
const PUBLISH_BEFORE_USE = 600;

async function publishedKids(url: string): Promise<string[]> {
  const { keys } = await (await fetch(`${url}/jwks`)).json() as { keys: Array<{ kid: string; alg: string }> };
  return keys.filter((key) => key.alg === 'ES256').map((key) => key.kid);
}

describe('key rotation', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let peer: RunningHawiya;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    const kek = newKek();
    hawiya = await startHawiya({ db: testDb.db, kek, clock, config: { keys: { publishBeforeUseSeconds: PUBLISH_BEFORE_USE } } });
    peer = await startHawiya({ db: testDb.reopen(), kek, clock, issuer: hawiya.url, config: { keys: { publishBeforeUseSeconds: PUBLISH_BEFORE_USE } } });
    await registerClient(hawiya, { client_id: 'rp', client_secret: SECRET });
    await createPerson(hawiya);
  });

  after(async () => {
    await hawiya.close();
    await peer.close();
    await testDb.drop();
  });

  it('publishes, then uses, then retires, while the relying party keeps validating', async () => {
    const { services } = hawiya.hawiya;
    // One relying-party configuration for the whole rotation, as a real RP keeps its JWKS
    // cache; openid-client checks every ID token's signature against the JWKS it cached,
    // fetching it again only when it meets a kid it does not know.
    const config = await discover(hawiya.url, 'rp', SECRET);
    oidc.enableNonRepudiationChecks(config);
    // Time passes for the relying party too: its JWKS cache ages (openid-client refetches
    // a JWKS older than five minutes), as it would over the hour a key is published first.
    const realNow = Date.now;
    let shift = 0;
    Date.now = () => realNow() + shift;
    const advance = (seconds: number) => {
      shift += seconds * 1000;
    };
    try {
      const agent = new UserAgent();
      const idTokenKid = async () => {
        const flow = await signInThrough(config, agent);
        const tokens = await oidc.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
        return decodeProtectedHeader(tokens.id_token!).kid;
      };

      const [oldKid] = await publishedKids(hawiya.url);
      assert.equal(await idTokenKid(), oldKid);

      const added = await rotateKeys(services, {
        algorithms: services.config.keys.signingAlgorithms,
        publishBeforeUseSeconds: PUBLISH_BEFORE_USE,
        lifetimeSeconds: keyLifetimes(services.config),
      });
      const newKid = added.find((key) => key.alg === 'ES256')!.kid;
      // Every node picks the change up on its next reload; force it here.
      assert.equal(await services.provider.refresh(), true);
      await peer.hawiya.services.provider.refresh();

      // Published on every node, not yet signing.
      assert.deepEqual(new Set(await publishedKids(hawiya.url)), new Set([oldKid, newKid]));
      assert.deepEqual(new Set(await publishedKids(peer.url)), new Set([oldKid, newKid]));
      assert.equal(await idTokenKid(), oldKid);

      // use_from has come: the new key signs; the old one is still published.
      advance(PUBLISH_BEFORE_USE + 1);
      await services.provider.refresh();
      assert.equal(await idTokenKid(), newKid);
      assert.deepEqual(new Set(await publishedKids(hawiya.url)), new Set([oldKid, newKid]));

      // The session cookie, signed with the old cookie key, still holds: no new sign-in.
      const again = await authorizationRequest(config);
      const page = await agent.navigate(again.url.toString(), {}, (url) => url.startsWith(REDIRECT_URI));
      assert.ok(page.url.startsWith(REDIRECT_URI), 'the session survived the cookie-key rotation');

      // After the longest token lifetime, the old signing key is gone.
      advance(keyLifetimes(services.config).signing + 1);
      await services.provider.refresh();
      assert.deepEqual(await publishedKids(hawiya.url), [newKid]);
      assert.equal(await idTokenKid(), newKid);
    } finally {
      Date.now = realNow;
    }
  });

  it('stores keys sealed: no private key material in the table', async () => {
    const { rows } = await testDb.db.query<{ sealed: unknown; kek_id: string }>('SELECT sealed, kek_id FROM keys');
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const text = Buffer.from(row.sealed as Uint8Array).toString('latin1');
      assert.doesNotMatch(text, /"d"\s*:/);
      assert.equal(row.kek_id, hawiya.hawiya.services.box.kekId);
    }
  });
});
