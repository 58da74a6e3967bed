// Remote signing through the CSC API v2 subset, end to end with openid-client as the
// relying party: the approval (rich authorization request of type credential, a sign-in
// of its own at high, the document labels and verification codes), signHash, and a
// CAdES-B-B detached CMS that `openssl cms -verify` accepts. Then every refusal: a hash
// not approved, a replayed or expired approval, a revoked certificate, another citizen's
// credential.
import assert from 'node:assert/strict';
import { createTestDb, startHawiya, newKek, createOffsetClock, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, discover, authorizationRequest, oidc, REDIRECT_URI } from '../support/relying-party.ts';
import { createHighPerson, type HighPerson } from '../support/high-sign-in.ts';
import { credentialDetail, cscCall, requestApproval, sha256, SHA256, ECDSA_SHA256 } from '../support/remote-signing.ts';
import { createWorkdir, openssl, type Workdir } from '../support/openssl.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { revokeCertificate } from '../../src/signing/revocation.ts';
import { cadesSignedAttributes, detachedSignedData, hashToSign } from '../../src/signing/cms.ts';
import { verificationCode } from '../../src/signing/verification-code.ts';
import { toPem } from '../../src/signing/x509.ts';

const SECRET = 'notary-client-secret-0123456789-abcdefghijklmn';

describe('remote signing (CSC API v2)', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let config: oidc.Configuration;
  let work: Workdir;
  const clock = createOffsetClock();

  before(async () => {
    testDb = await createTestDb();
    work = createWorkdir();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), clock });
    const ca = await hawiya.hawiya.services.signing.initCa('test');
    work.write('root.pem', toPem(ca.root.der));
    await registerClient(hawiya, { client_id: 'notary', client_secret: SECRET, client_name: 'National notary portal', authorization_details_types: ['credential'] });
    config = await discover(hawiya.url, 'notary', SECRET);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
    work.remove();
  });

  async function signer(): Promise<{ person: HighPerson; credentialID: string; certificate: Buffer }> {
    const person = await createHighPerson(hawiya);
    const { services } = hawiya.hawiya;
    const record = (await services.persons.findById(person.id))!;
    const certificate = await issueCertificate(services.signing, await services.signing.ca(), { person: record, holder: 'remote' }, { actor: 'test' });
    return { person, credentialID: certificate.serial, certificate: certificate.der };
  }

  it('computes the verification code as Smart-ID does (test vector: "Hello World!" gives 7712)', () => {
    assert.equal(verificationCode(sha256('Hello World!')), '7712');
  });

  it('answers info, and lists and describes only the holder\'s own credential', async () => {
    const info = await cscCall(hawiya, 'info', {});
    assert.equal(info.status, 200);
    assert.deepEqual(info.json.authType, ['oauth2code']);
    assert.deepEqual(info.json.methods, ['credentials/list', 'credentials/info', 'signatures/signHash']);

    const { person, credentialID } = await signer();
    const other = await signer();
    const { accessToken } = await (await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash: sha256('x'), label: 'x' }]))).approve();
    const list = await cscCall(hawiya, 'credentials/list', {}, accessToken);
    assert.deepEqual(list.json.credentialIDs, [credentialID]);
    const described = await cscCall(hawiya, 'credentials/info', { credentialID, certificates: 'chain', certInfo: true }, accessToken);
    assert.equal(described.status, 200);
    assert.deepEqual((described.json.auth as { mode: string }).mode, 'oauth2code');
    assert.equal(described.json.SCAL, '2');
    assert.equal((described.json.cert as { status: string }).status, 'valid');
    assert.equal((described.json.cert as { certificates: string[] }).certificates.length, 2);
    assert.match((described.json.cert as { subjectDN: string }).subjectDN, /serialNumber=PNOXX-\d+/);
    const foreign = await cscCall(hawiya, 'credentials/info', { credentialID: other.credentialID }, accessToken);
    assert.equal(foreign.status, 404);
    const anonymous = await cscCall(hawiya, 'credentials/list', {});
    assert.equal(anonymous.status, 401);
  });

  it('signs a CAdES-B-B detached CMS that openssl cms -verify accepts, after the citizen approves the labelled document and its code', async () => {
    const { person, credentialID, certificate } = await signer();
    const content = Buffer.from('I, the undersigned, agree to the terms of the lease.\n');
    const signedAttributes = cadesSignedAttributes({ contentDigest: sha256(content), signerCertificate: certificate, signingTime: clock.now() });
    const hash = hashToSign(signedAttributes);
    const flow = await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash, label: 'Lease of flat 4, Rue des Oliviers' }]));
    // The approval page: who asks, the document's label, its code, large.
    assert.match(flow.page.html, /National notary portal is asking you to sign/);
    assert.match(flow.page.html, /<bdi>Lease of flat 4, Rue des Oliviers<\/bdi>/);
    assert.match(flow.page.html, new RegExp(`<p class="verification-code"><bdi dir="ltr">${verificationCode(hash)}</bdi></p>`));
    const { accessToken, tokens } = await flow.approve();
    assert.equal((tokens.authorization_details as Array<{ type: string }>)[0]!.type, 'credential');

    const signed = await cscCall(hawiya, 'signatures/signHash', { credentialID, hashes: [hash.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
    assert.equal(signed.status, 200, JSON.stringify(signed.json));
    const [signature] = signed.json.signatures as string[];
    const { issuing } = await hawiya.hawiya.services.signing.ca();
    const cms = detachedSignedData({ signedAttributes, signature: Buffer.from(signature!, 'base64'), signerCertificate: certificate, chain: [issuing.der] });
    work.write('lease.txt', content);
    work.write('lease.p7s', cms);
    const verified = await openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'lease.p7s', '-content', 'lease.txt', '-CAfile', 'root.pem', '-out', '/dev/null'], work.dir);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stderr, /Verification successful/);

    // Tampered content fails the same check.
    work.write('tampered.txt', Buffer.concat([content, Buffer.from('and pays nothing.\n')]));
    const tampered = await openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'lease.p7s', '-content', 'tampered.txt', '-CAfile', 'root.pem', '-out', '/dev/null'], work.dir);
    assert.notEqual(tampered.code, 0);

    const audit = await testDb.db.query<{ details: { hashes: string[] } }>(`SELECT details FROM audit_log WHERE action = 'signing.signature.created' AND subject = $1`, [person.id]);
    assert.deepEqual(audit.rows[0]!.details.hashes, [hash.toString('base64')]);
  });

  it('shows the approval right to left in Arabic, the label and the code isolated', async () => {
    const { person, credentialID } = await signer();
    const hash = sha256('Hello World!');
    const flow = await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash, label: 'عقد إيجار' }]), undefined, { ui_locales: 'ar' });
    assert.match(flow.page.html, /<html lang="ar" dir="rtl">/);
    assert.match(flow.page.html, /<bdi>عقد إيجار<\/bdi>/);
    assert.match(flow.page.html, /<p class="verification-code"><bdi dir="ltr">7712<\/bdi><\/p>/);
    assert.match(flow.page.html, /رمز التحقق/);
  });

  it('asks for a sign-in of its own at high for each approval, even in a high session', async () => {
    const { person, credentialID } = await signer();
    const first = await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash: sha256('one'), label: 'One' }]));
    await first.approve();
    const request = await authorizationRequest(config, { scope: 'openid', authorization_details: JSON.stringify([credentialDetail(credentialID, [{ hash: sha256('two'), label: 'Two' }])]) });
    const page = await first.agent.navigate(request.url.toString(), {}, (url) => url.startsWith(REDIRECT_URI));
    assert.match(page.html, /\/passkey\/options|name="password"/, 'the sign-in page, not the approval');
  });

  it('refuses a hash that was not approved, and signs nothing', async () => {
    const { person, credentialID } = await signer();
    const approved = sha256('approved document');
    const { accessToken } = await (await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash: approved, label: 'Approved' }]))).approve();
    const other = await cscCall(hawiya, 'signatures/signHash', { credentialID, hashes: [sha256('another document').toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
    assert.equal(other.status, 403);
    assert.equal(other.json.error, 'hash_not_approved');
    // The token was not spent by the refusal: the approved hash still signs, once.
    const good = await cscCall(hawiya, 'signatures/signHash', { credentialID, hashes: [approved.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
    assert.equal(good.status, 200);
  });

  it('refuses a replayed approval', async () => {
    const { person, credentialID } = await signer();
    const hash = sha256('once');
    const { accessToken } = await (await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash, label: 'Once' }]))).approve();
    const body = { credentialID, hashes: [hash.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 };
    assert.equal((await cscCall(hawiya, 'signatures/signHash', body, accessToken)).status, 200);
    const replay = await cscCall(hawiya, 'signatures/signHash', body, accessToken);
    assert.equal(replay.status, 401);
    assert.equal(replay.json.error, 'invalid_token');
    assert.match(String(replay.json.error_description), /has been used/);
  });

  it('refuses an approval older than five minutes', async () => {
    const { person, credentialID } = await signer();
    const hash = sha256('late');
    const { accessToken } = await (await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash, label: 'Late' }]))).approve();
    clock.advance(301);
    try {
      const late = await cscCall(hawiya, 'signatures/signHash', { credentialID, hashes: [hash.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
      assert.equal(late.status, 401);
      assert.equal(late.json.error, 'invalid_token');
    } finally {
      clock.reset();
    }
  });

  it('refuses a certificate revoked after the approval', async () => {
    const { person, credentialID } = await signer();
    const hash = sha256('revoked');
    const { accessToken } = await (await requestApproval(hawiya, config, person, credentialDetail(credentialID, [{ hash, label: 'Revoked' }]))).approve();
    await testDb.db.transaction((tx) => revokeCertificate(tx, clock, { serial: credentialID, reason: 'key_compromise' }, { actor: 'test' }));
    const refused = await cscCall(hawiya, 'signatures/signHash', { credentialID, hashes: [hash.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error, 'certificate_revoked');
  });

  it('does not let a person approve, or sign with, another citizen\'s credential', async () => {
    const me = await signer();
    const other = await signer();
    const flow = await requestApproval(hawiya, config, me.person, credentialDetail(other.credentialID, [{ hash: sha256('theirs'), label: 'Theirs' }]));
    assert.match(flow.page.html, /a signing key that is not yours/);
    assert.doesNotMatch(flow.page.html, /action="[^"]*\/confirm"/);

    const hash = sha256('mine');
    const { accessToken } = await (await requestApproval(hawiya, config, me.person, credentialDetail(me.credentialID, [{ hash, label: 'Mine' }]))).approve();
    const refused = await cscCall(hawiya, 'signatures/signHash', { credentialID: other.credentialID, hashes: [hash.toString('base64')], hashAlgorithmOID: SHA256, signAlgo: ECDSA_SHA256 }, accessToken);
    assert.equal(refused.status, 403);
    const { rows } = await testDb.db.query(`SELECT 1 FROM audit_log WHERE action = 'signing.signature.created' AND subject = $1`, [other.person.id]);
    assert.equal(rows.length, 0);
  });

  it('refuses malformed authorization details at the authorization endpoint, naming the field', async () => {
    const { credentialID } = await signer();
    const request = await authorizationRequest(config, {
      scope: 'openid', authorization_details: JSON.stringify([{ ...credentialDetail(credentialID, [{ hash: Buffer.alloc(5), label: 'Short' }]) }]),
    });
    const response = await fetch(request.url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_authorization_details');
    assert.match(location.searchParams.get('error_description')!, /documentDigests\.0\.hash: must be a 32-byte sha256 hash/);
  });

});
