// The verification API (POST /api/signatures/verify) as an agency meets it: a CAdES-B-B
// CMS and a JWS made through remote signing verify, naming the signer; tampered data, a
// revoked certificate and a certificate of another CA each fail their own check; input
// that is not a signature is a 400 naming the field; the OpenAPI document describes it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, discover, oidc } from '../support/relying-party.ts';
import { createHighPerson, type HighPerson } from '../support/high-sign-in.ts';
import { signRemotely, sha256 } from '../support/remote-signing.ts';
import { createWorkdir, openssl, type Workdir } from '../support/openssl.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { revokeCertificate } from '../../src/signing/revocation.ts';
import { cadesSignedAttributes, detachedSignedData, hashToSign } from '../../src/signing/cms.ts';
import { ecdsaSignatureRaw } from '../../src/signing/der.ts';

const SECRET = 'agency-client-secret-0123456789-abcdefghijklmn';

describe('signature verification API', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let config: oidc.Configuration;
  let work: Workdir;

  before(async () => {
    testDb = await createTestDb();
    work = createWorkdir();
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    await hawiya.hawiya.services.signing.initCa('test');
    await registerClient(hawiya, { client_id: 'agency', client_secret: SECRET, client_name: 'Land registry', authorization_details_types: ['credential'] });
    config = await discover(hawiya.url, 'agency', SECRET);
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
    work.remove();
  });

  async function signer(): Promise<{ person: HighPerson; credentialID: string; certificate: Buffer; eid: string }> {
    const person = await createHighPerson(hawiya);
    const { services } = hawiya.hawiya;
    const record = (await services.persons.findById(person.id))!;
    const certificate = await issueCertificate(services.signing, await services.signing.ca(), { person: record, holder: 'remote' }, { actor: 'test' });
    return { person, credentialID: certificate.serial, certificate: certificate.der, eid: record.eid };
  }

  async function cmsFor(who: Awaited<ReturnType<typeof signer>>, content: Buffer): Promise<Buffer> {
    const signedAttributes = cadesSignedAttributes({ contentDigest: sha256(content), signerCertificate: who.certificate, signingTime: new Date() });
    const signature = await signRemotely(hawiya, config, who.person, who.credentialID, hashToSign(signedAttributes), 'Deed of sale');
    const { issuing } = await hawiya.hawiya.services.signing.ca();
    return detachedSignedData({ signedAttributes, signature, signerCertificate: who.certificate, chain: [issuing.der] });
  }

  async function verify(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${hawiya.url}/api/signatures/verify`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'accept-language': 'en' }, body: JSON.stringify(body) });
    return { status: response.status, json: await response.json() as Record<string, unknown> };
  }

  const allPassed = { integrity: 'passed', chain: 'passed', validityAtSigningTime: 'passed', revocation: 'passed', keyUsage: 'passed' };

  it('verifies a CAdES-B-B detached CMS, naming the signer and their e-ID, with every check passed', async () => {
    const who = await signer();
    const content = Buffer.from('Deed of sale of parcel 118, Wadi Nour.\n');
    const cms = await cmsFor(who, content);
    const result = await verify({ format: 'cms', signature: cms.toString('base64'), data: content.toString('base64') });
    assert.equal(result.status, 200);
    assert.equal(result.json.valid, true);
    assert.deepEqual(result.json.checks, allPassed);
    const named = result.json.signer as Record<string, string>;
    assert.equal(named.name, 'Salma El Khatib');
    assert.equal(named.eid, who.eid);
    assert.equal(named.serialNumber, `PNOXX-${who.eid}`);
    assert.equal(named.certificateSerial, who.credentialID);

    // The same signature in PEM, as openssl writes it.
    work.write('deed.p7s', cms);
    await openssl(['cms', '-cmsout', '-inform', 'DER', '-in', 'deed.p7s', '-outform', 'PEM', '-out', 'deed.pem'], work.dir);
    const pem = await verify({ format: 'cms', signature: readFileSync(`${work.dir}/deed.pem`, 'utf8'), data: content.toString('base64') });
    assert.equal(pem.json.valid, true);

    const tampered = await verify({ format: 'cms', signature: cms.toString('base64'), data: Buffer.from('Deed of sale of parcel 119, Wadi Nour.\n').toString('base64') });
    assert.equal(tampered.json.valid, false);
    assert.deepEqual(tampered.json.checks, { ...allPassed, integrity: 'failed' });
  });

  it('fails the revocation check once the certificate is revoked', async () => {
    const who = await signer();
    const content = Buffer.from('A power of attorney.\n');
    const cms = await cmsFor(who, content);
    await testDb.db.transaction((tx) => revokeCertificate(tx, hawiya.hawiya.services.clock, { serial: who.credentialID, reason: 'key_compromise' }, { actor: 'test' }));
    const result = await verify({ format: 'cms', signature: cms.toString('base64'), data: content.toString('base64') });
    assert.equal(result.json.valid, false);
    assert.deepEqual(result.json.checks, { ...allPassed, revocation: 'failed' });
  });

  it('verifies a detached JWS (ES256, x5c) made through signHash', async () => {
    const who = await signer();
    const { issuing } = await hawiya.hawiya.services.signing.ca();
    const payload = Buffer.from(JSON.stringify({ form: 'change-of-address', street: 'Rue des Oliviers 4' }));
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', x5c: [who.certificate.toString('base64'), issuing.der.toString('base64')], sigT: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })).toString('base64url');
    const signingInput = `${header}.${payload.toString('base64url')}`;
    const der = await signRemotely(hawiya, config, who.person, who.credentialID, sha256(signingInput), 'Change of address');
    const jws = `${header}..${ecdsaSignatureRaw(der).toString('base64url')}`;
    const result = await verify({ format: 'jws', signature: jws, data: payload.toString('base64') });
    assert.equal(result.json.valid, true, JSON.stringify(result.json));
    assert.equal((result.json.signer as { eid: string }).eid, who.eid);
    const changed = await verify({ format: 'jws', signature: jws, data: Buffer.from('{}').toString('base64') });
    assert.equal((changed.json.checks as { integrity: string }).integrity, 'failed');
  });

  it('fails the chain and key usage checks for a certificate of another CA', async () => {
    // A self-signed P-256 certificate made by openssl, signing the same way.
    await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'stranger.key', '-out', 'stranger.pem', '-subj', '/C=XX/CN=Stranger', '-days', '30', '-addext', 'keyUsage=critical,digitalSignature'], work.dir);
    work.write('note.txt', 'A note.\n');
    const signed = await openssl(['cms', '-sign', '-binary', '-in', 'note.txt', '-signer', 'stranger.pem', '-inkey', 'stranger.key', '-outform', 'DER', '-out', 'note.p7s', '-md', 'sha256'], work.dir);
    assert.equal(signed.code, 0, signed.stderr);
    const result = await verify({ format: 'cms', signature: readFileSync(`${work.dir}/note.p7s`).toString('base64'), data: Buffer.from('A note.\n').toString('base64') });
    assert.equal(result.status, 200);
    assert.equal(result.json.valid, false);
    const checks = result.json.checks as Record<string, string>;
    assert.equal(checks.integrity, 'passed', 'openssl\'s signature is sound');
    assert.equal(checks.chain, 'failed');
    assert.equal(checks.keyUsage, 'failed');
    assert.equal(checks.revocation, 'failed');
  });

  it('answers 400 naming the field for input that is not a signature', async () => {
    const missing = await verify({ format: 'cms', signature: 'AAAA' });
    assert.equal(missing.status, 400);
    assert.match(String(missing.json.error_description), /^data:/);
    const garbage = await verify({ format: 'cms', signature: Buffer.from('not a signature').toString('base64'), data: 'AAAA' });
    assert.equal(garbage.status, 400);
    assert.match(String(garbage.json.error_description), /not a DER CMS/);
    const unknown = await verify({ format: 'xades' });
    assert.equal(unknown.status, 400);
  });

  it('is described in the OpenAPI document', async () => {
    const response = await fetch(`${hawiya.url}/api/openapi.json`);
    assert.equal(response.status, 200);
    const document = await response.json() as { openapi: string; paths: Record<string, { post?: { requestBody?: unknown } }>; components: { schemas: Record<string, unknown> } };
    assert.equal(document.openapi, '3.1.0');
    assert.ok(document.paths['/api/signatures/verify']?.post?.requestBody);
    assert.ok(document.paths['/csc/v2/signatures/signHash']);
    assert.ok(document.components.schemas.VerifyResult);
  });
});
