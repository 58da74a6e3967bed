// Device-held signing keys: the app's non-extractable WebCrypto P-256 key, a PKCS#10
// request signed with it, sent with a token from a fresh high sign-in. The certificate
// has the citizen profile and verifies to our root with openssl; a request without proof
// of possession, a key of another kind, or a token below high is refused.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, discover, authorizationRequest, oidc, REDIRECT_URI } from '../support/relying-party.ts';
import { createHighPerson, usePasskey, type HighPerson } from '../support/high-sign-in.ts';
import { UserAgent, formAction, hiddenInput } from '../support/user-agent.ts';
import { createWorkdir, openssl, type Workdir } from '../support/openssl.ts';
import { toPem } from '../../src/signing/x509.ts';
import { ACR } from '../../src/authn/assurance.ts';

const SECRET = 'mobile-client-secret-0123456789-abcdefghijklmn';

describe('device signing certificates', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let config: oidc.Configuration;
  let dpopConfig: oidc.Configuration;
  const dpopKeys = generateKeyPair('ES256');
  let work: Workdir;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    work = createWorkdir();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    const ca = await hawiya.hawiya.services.signing.initCa('test');
    work.write('root.pem', toPem(ca.root.der));
    work.write('issuing.pem', toPem(ca.issuing.der));
    await registerClient(hawiya, { client_id: 'mobile', client_secret: SECRET, client_name: 'Hawiya mobile' });
    config = await discover(hawiya.url, 'mobile', SECRET);
    await registerClient(hawiya, { client_id: 'dpop-app', client_secret: SECRET, client_name: 'Hawiya app', dpop_bound_access_tokens: true });
    dpopConfig = await discover(hawiya.url, 'dpop-app', SECRET);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
    work.remove();
  });

  const atCallback = (url: string) => url.startsWith(REDIRECT_URI);

  async function tokenAt(person: HighPerson, level: 'high' | 'low', client = config): Promise<string> {
    const agent = new UserAgent();
    const request = await authorizationRequest(client, { scope: 'openid', ...(level === 'high' ? { acr_values: ACR.high } : {}) });
    let page = await agent.navigate(request.url.toString(), {}, atCallback);
    page = level === 'high'
      ? await usePasskey(hawiya, agent, page, person.key, atCallback)
      : await agent.navigate(new URL(formAction(page.html, '/login'), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf'), username: person.username, password: person.password } }, atCallback);
    if (!atCallback(page.url)) page = await agent.navigate(new URL(formAction(page.html, '/confirm'), hawiya.url).toString(), { form: { csrf: hiddenInput(page.html, 'csrf') } }, atCallback);
    const DPoP = client === dpopConfig ? oidc.getDPoPHandle(client, await dpopKeys) : undefined;
    const grant = () => oidc.authorizationCodeGrant(client, new URL(page.url), { pkceCodeVerifier: request.verifier, expectedState: request.state }, undefined, DPoP ? { DPoP } : undefined);
    // Hawiya asks for a DPoP nonce first (RFC 9449 §8); the handle keeps it.
    const tokens = await grant().catch((err: unknown) => (DPoP && (err as { error?: unknown }).error === 'use_dpop_nonce' ? grant() : Promise.reject(err)));
    return tokens.access_token;
  }

  async function deviceCsr(algorithm: EcKeyGenParams | RsaHashedKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' }): Promise<string> {
    // What the app does: a key WebCrypto will never export.
    const keys = await crypto.subtle.generateKey(algorithm, false, ['sign', 'verify']) as CryptoKeyPair;
    const signingAlgorithm = algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=My phone', keys, signingAlgorithm });
    return csr.toString('pem');
  }

  // RFC 9449 §4.2: a proof for this method and URI, naming the token (ath).
  async function dpopProof(token: string, claims: Record<string, unknown> = {}): Promise<string> {
    const { privateKey, publicKey } = await dpopKeys;
    return new SignJWT({ htm: 'POST', htu: `${hawiya.url}/api/signing/device-certificate`, ath: createHash('sha256').update(token).digest('base64url'), jti: randomUUID(), ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) }).setIssuedAt().sign(privateKey);
  }

  async function send(token: string, csr: string, dpop?: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${hawiya.url}/api/signing/device-certificate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en', authorization: dpop ? `DPoP ${token}` : `Bearer ${token}`, ...(dpop ? { dpop } : {}), ...headers },
      body: JSON.stringify({ csr }),
    });
    return { status: response.status, json: await response.json() as Record<string, unknown>, headers: response.headers };
  }

  it('issues a certificate with the citizen profile for the device\'s key, after proof of possession', async () => {
    const person = await createHighPerson(hawiya);
    const csr = await deviceCsr();
    const issued = await send(await tokenAt(person, 'high'), csr);
    assert.equal(issued.status, 201, JSON.stringify(issued.json));
    const path = work.write('device.pem', toPem(Buffer.from(String(issued.json.certificate), 'base64')));
    const verified = await openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', path], work.dir);
    assert.equal(verified.code, 0, verified.stderr);
    const text = (await openssl(['x509', '-in', path, '-noout', '-text'], work.dir)).stdout;
    assert.match(text, /X509v3 Key Usage: critical\s+Non Repudiation\n/);
    assert.match(text, /serialNumber ?= ?PNOXX-\d+/);
    assert.doesNotMatch(text, /My phone/, 'the subject is ours, not the request\'s');
    // The certificate's key is the request's.
    const request = new x509.Pkcs10CertificateRequest(csr);
    const certificate = new x509.X509Certificate(Buffer.from(String(issued.json.certificate), 'base64'));
    assert.deepEqual(Buffer.from(certificate.publicKey.rawData), Buffer.from(request.publicKey.rawData));
    const { rows } = await testDb.db.query<{ holder: string; key_id: string | null }>('SELECT holder, key_id FROM signing_certificates WHERE person_id = $1', [person.id]);
    assert.deepEqual(rows, [{ holder: 'device', key_id: null }]);

    // A new phone: the next certificate supersedes the first.
    const again = await send(await tokenAt(person, 'high'), await deviceCsr());
    assert.equal(again.status, 201);
    const states = await testDb.db.query<{ serial: string; revocation_reason: string | null }>('SELECT serial, revocation_reason FROM signing_certificates WHERE person_id = $1 ORDER BY issued_at', [person.id]);
    assert.deepEqual(states.rows.map((row) => row.revocation_reason), ['superseded', null]);
  });

  it('refuses a request whose signature does not verify with its key', async () => {
    const person = await createHighPerson(hawiya);
    const pem = await deviceCsr();
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 5] = der[der.length - 5]! ^ 0x01;
    const refused = await send(await tokenAt(person, 'high'), der.toString('base64'));
    assert.equal(refused.status, 400);
    assert.equal(refused.json.error, 'csr_invalid');
    assert.match(String(refused.json.error_description), /proof of possession|not a PKCS#10/);
  });

  it('refuses a key that is not P-256', async () => {
    const person = await createHighPerson(hawiya);
    const rsa = await deviceCsr({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });
    const refused = await send(await tokenAt(person, 'high'), rsa);
    assert.equal(refused.status, 400);
    assert.match(String(refused.json.error_description), /P-256/);
  });

  it('refuses a token from a sign-in below high, or older than five minutes', async () => {
    const person = await createHighPerson(hawiya);
    const low = await send(await tokenAt(person, 'low'), await deviceCsr());
    assert.equal(low.status, 403);
    assert.match(low.headers.get('www-authenticate') ?? '', /insufficient_user_authentication/);
    const token = await tokenAt(person, 'high');
    clock.advance(301);
    try {
      const stale = await send(token, await deviceCsr());
      assert.equal(stale.status, 403);
    } finally {
      clock.reset();
    }
    const { rows } = await testDb.db.query('SELECT 1 FROM signing_certificates WHERE person_id = $1', [person.id]);
    assert.equal(rows.length, 0);
  });

  it('takes a DPoP-bound token with its proof, as the app holds, and lets the app\'s origin read the answer (CORS)', async () => {
    const person = await createHighPerson(hawiya);
    const token = await tokenAt(person, 'high', dpopConfig);
    const preflight = await fetch(`${hawiya.url}/api/signing/device-certificate`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:9', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, dpop, content-type' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /dpop/);
    const issued = await send(token, await deviceCsr(), await dpopProof(token), { origin: 'http://127.0.0.1:9' });
    assert.equal(issued.status, 201, JSON.stringify(issued.json));
    assert.equal(issued.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
    // The app can read a refusal too (no cookie is honoured here, so nothing leaks).
    const refused = await send(token, await deviceCsr(), undefined, { origin: 'http://127.0.0.1:9' });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), 'http://127.0.0.1:9');
    assert.match(refused.headers.get('access-control-expose-headers') ?? '', /WWW-Authenticate/);
  });

  it('refuses a DPoP-bound token as a bearer token, without a proof, or with a proof that is replayed, for another URI or another token', async () => {
    const person = await createHighPerson(hawiya);
    const token = await tokenAt(person, 'high', dpopConfig);
    const csr = await deviceCsr();
    const asBearer = await send(token, csr);
    assert.equal(asBearer.status, 401);
    assert.equal(asBearer.json.error, 'invalid_token');
    const refusals = [
      await send(token, csr, ' '),
      await send(token, csr, await dpopProof(token, { htu: `${hawiya.url}/csc/v2/signatures/signHash` })),
      await send(token, csr, await dpopProof(token, { ath: createHash('sha256').update('another token').digest('base64url') })),
      await send(token, csr, await dpopProof(token, { htm: 'GET' })),
    ];
    for (const refused of refusals) {
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^DPoP error="invalid_token"/);
    }
    const proof = await dpopProof(token);
    assert.equal((await send(token, csr, proof)).status, 201);
    assert.equal((await send(token, csr, proof)).status, 401, 'a proof is used once');
  });
});
