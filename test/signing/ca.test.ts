// The national signing CA, checked by independent verifiers: `openssl verify` on the
// chain, `openssl crl` on the CRLs, `openssl ocsp` against our responder before and after
// a revocation; the citizen certificate's profile as openssl reads it; on SoftHSM2, the
// keys inside the token, sensitive and not extractable. Each keystore runs the same tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import pkcs11js from 'pkcs11js';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { createPerson, fictionalRecord } from '../support/relying-party.ts';
import { createTestToken, listTokenObjects, type TestToken } from '../support/softhsm.ts';
import { createWorkdir, openssl, type Workdir } from '../support/openssl.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { revokeCertificate } from '../../src/signing/revocation.ts';
import { toPem } from '../../src/signing/x509.ts';
import { objectIdentifier, sequence } from '../../src/signing/der.ts';
import { recordDeath } from '../../src/register/persons.ts';
import { verifyAuditChain } from '../../src/audit/audit-log.ts';

let people = 0;

for (const keystore of ['software', 'pkcs11'] as const) {
  describe(`signing CA (${keystore} keystore)`, () => {
    let testDb: TestDb;
    let hawiya: RunningHawiya;
    let work: Workdir;
    let token: TestToken | undefined;

    before(async () => {
      testDb = await createTestDb();
      work = createWorkdir();
      token = keystore === 'pkcs11' ? createTestToken() : undefined;
      const signing = token ? { keystore, pkcs11: { module: token.module, tokenLabel: token.tokenLabel, pinFile: token.pinFile } } : { keystore };
      hawiya = await startHawiya({ db: testDb.db, kek: newKek(), config: { signing } });
      await hawiya.hawiya.services.signing.initCa('test');
      const root = await (await fetch(`${hawiya.url}/ca/root.crt`)).arrayBuffer();
      const issuing = await (await fetch(`${hawiya.url}/ca/issuing.crt`)).arrayBuffer();
      work.write('root.pem', toPem(new Uint8Array(root)));
      work.write('issuing.pem', toPem(new Uint8Array(issuing)));
    });

    after(async () => {
      await hawiya.close();
      await testDb.drop();
      work.remove();
    });

    const services = () => hawiya.hawiya.services;

    async function citizenCertificate(name: string) {
      const id = await createPerson(hawiya, { username: `signer.${keystore}.${people++}`, password: 'a long enough password' }, fictionalRecord());
      const person = (await services().persons.findById(id))!;
      const certificate = await issueCertificate(services().signing, await services().signing.ca(), { person, holder: 'remote' }, { actor: 'test' });
      const path = work.write(`${name}.pem`, toPem(certificate.der));
      return { person, certificate, path };
    }

    async function fetchCrl(role: 'root' | 'issuing'): Promise<string> {
      const response = await fetch(`${hawiya.url}/ca/${role}.crl`);
      assert.equal(response.headers.get('content-type'), 'application/pkix-crl');
      return work.write(`${role}.crl.pem`, toPem(new Uint8Array(await response.arrayBuffer()), 'X509 CRL'));
    }

    async function ocspStatus(certPath: string) {
      return openssl(['ocsp', '-issuer', 'issuing.pem', '-cert', certPath, '-url', `${hawiya.url}/ca/ocsp`, '-CAfile', 'root.pem', '-resp_text'], work.dir);
    }

    it('refuses to make the CA twice', async () => {
      await assert.rejects(services().signing.initCa('test'), /exists already/);
    });

    it('issues a citizen certificate that openssl verifies to our root, with the profile of the issue', async () => {
      const { person, path } = await citizenCertificate('citizen');
      const verify = await openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', path], work.dir);
      assert.equal(verify.code, 0, verify.stderr);
      assert.match(verify.stdout, /: OK/);

      const text = (await openssl(['x509', '-in', path, '-noout', '-text'], work.dir)).stdout;
      assert.match(text, /Subject: C ?= ?XX, GN ?= ?Salma, SN ?= ?El Khatib, CN ?= ?Salma El Khatib, serialNumber ?= ?PNOXX-(\d+)/);
      assert.ok(text.includes(`serialNumber = PNOXX-${person.eid}`) || text.includes(`serialNumber=PNOXX-${person.eid}`), 'PNO<CC>-<e-ID>');
      assert.match(text, /X509v3 Key Usage: critical\s+Non Repudiation\n/);
      assert.match(text, /X509v3 Certificate Policies:\s+Policy: 2\.999\.1\.1/);
      assert.match(text, /qcStatements|1\.3\.6\.1\.5\.5\.7\.1\.3/);
      assert.match(text, new RegExp(`OCSP - URI:${hawiya.url}/ca/ocsp`));
      assert.match(text, new RegExp(`CA Issuers - URI:${hawiya.url}/ca/issuing.crt`));
      assert.match(text, new RegExp(`URI:${hawiya.url}/ca/issuing.crl`));
      assert.match(text, /ASN1 OID: prime256v1/);
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
      // The QCStatement: SEQUENCE { SEQUENCE { id-qcs-pkixQCSyntax-v2, SEQUENCE { 0.4.0.194121.1.1 } } }.
      const asn1 = (await openssl(['asn1parse', '-in', path], work.dir)).stdout;
      const statement = sequence(sequence(objectIdentifier('1.3.6.1.5.5.7.11.2'), sequence(objectIdentifier('0.4.0.194121.1.1'))));
      assert.match(asn1, new RegExp(`qcStatements\\n.*\\[HEX DUMP\\]:${statement.toString('hex').toUpperCase()}\\n`));
    });

    it('publishes CRLs that openssl checks against the CA, and the chain passes a CRL check', async () => {
      await fetchCrl('root');
      await fetchCrl('issuing');
      work.write('chain.pem', `${toPem(new Uint8Array(await (await fetch(`${hawiya.url}/ca/issuing.crt`)).arrayBuffer()))}${toPem(new Uint8Array(await (await fetch(`${hawiya.url}/ca/root.crt`)).arrayBuffer()))}`);
      const root = await openssl(['crl', '-in', 'root.crl.pem', '-CAfile', 'root.pem', '-noout', '-text'], work.dir);
      assert.match(root.stderr + root.stdout, /verify OK/);
      const issuing = await openssl(['crl', '-in', 'issuing.crl.pem', '-CAfile', 'chain.pem', '-noout', '-text'], work.dir);
      assert.match(issuing.stderr + issuing.stdout, /verify OK/);
      assert.match(issuing.stdout, /X509v3 CRL Number:\s+\d+/);
      const { path } = await citizenCertificate('crl-checked');
      const verify = await openssl(['verify', '-crl_check_all', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', '-CRLfile', 'root.crl.pem', '-CRLfile', 'issuing.crl.pem', path], work.dir);
      assert.equal(verify.code, 0, verify.stderr);
    });

    it('answers OCSP good, then revoked at once after a revocation, and the CRL lists it', async () => {
      const { person, certificate, path } = await citizenCertificate('revoked');
      const before = await ocspStatus(path);
      assert.equal(before.code, 0, before.stderr);
      assert.match(before.stderr + before.stdout, /Response verify OK/);
      assert.match(before.stdout, /revoked\.pem: good/);

      await testDb.db.transaction((tx) => revokeCertificate(tx, services().clock, { serial: certificate.serial, personId: person.id, reason: 'key_compromise' }, { actor: `person:${person.id}` }));
      const after = await ocspStatus(path);
      assert.match(after.stderr + after.stdout, /Response verify OK/);
      assert.match(after.stdout, /revoked\.pem: revoked/);
      assert.match(after.stdout, /Reason: keyCompromise/);

      const crl = await fetchCrl('issuing');
      const text = (await openssl(['crl', '-in', crl, '-noout', '-text'], work.dir)).stdout;
      assert.match(text, new RegExp(`Serial Number: ${certificate.serial.toUpperCase()}`));
      const verify = await openssl(['verify', '-crl_check', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', '-CRLfile', 'issuing.crl.pem', path], work.dir);
      assert.notEqual(verify.code, 0);
      assert.match(verify.stdout + verify.stderr, /certificate revoked/);
    });

    it('answers OCSP by GET too, and says unknown for a serial it never issued', async () => {
      const { path } = await citizenCertificate('by-get');
      const request = await openssl(['ocsp', '-issuer', 'issuing.pem', '-cert', path, '-no_nonce', '-reqout', 'req.der'], work.dir);
      assert.equal(request.code, 0, request.stderr);
      const der = readFileSync(`${work.dir}/req.der`);
      const response = await fetch(`${hawiya.url}/ca/ocsp/${encodeURIComponent(der.toString('base64'))}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/ocsp-response');
      work.write('resp.der', new Uint8Array(await response.arrayBuffer()));
      const read = await openssl(['ocsp', '-respin', 'resp.der', '-issuer', 'issuing.pem', '-cert', path, '-CAfile', 'root.pem', '-no_nonce'], work.dir);
      assert.match(read.stdout, /by-get\.pem: good/);

      const unknown = await openssl(['ocsp', '-issuer', 'issuing.pem', '-serial', '0x0123456789abcdef', '-url', `${hawiya.url}/ca/ocsp`, '-CAfile', 'root.pem'], work.dir);
      assert.match(unknown.stdout, /: unknown/);
    });

    it('revokes every certificate of a person who dies, with the death, and the chain of audit records holds', async () => {
      const { person, certificate, path } = await citizenCertificate('deceased');
      await testDb.db.transaction((tx) => recordDeath(tx, { clock: services().clock, length: 12 }, person, { date: '2024-05-01', version: person.registryVersion + 1 }, { actor: 'registry' }));
      const status = await ocspStatus(path);
      assert.match(status.stdout, /deceased\.pem: revoked/);
      assert.match(status.stdout, /Reason: cessationOfOperation/);
      const { rows } = await testDb.db.query<{ action: string; details: { serial?: string } }>(`SELECT action, details FROM audit_log WHERE subject = $1 ORDER BY seq`, [person.id]);
      assert.deepEqual(rows.map((row) => row.action).filter((action) => action.startsWith('signing.') || action === 'person.died'), ['signing.certificate.issued', 'signing.certificate.revoked', 'person.died']);
      assert.equal(rows.find((row) => row.action === 'signing.certificate.revoked')?.details.serial, certificate.serial);
      assert.equal((await verifyAuditChain(testDb.db)).ok, true);
    });

    if (keystore === 'pkcs11') {
      it('keeps the keys inside the token: sensitive, not extractable, listed by pkcs11-tool', async () => {
        const { certificate } = await citizenCertificate('in-token');
        const listing = listTokenObjects(token!);
        const { rows } = await testDb.db.query<{ id: string; purpose: string; sealed: unknown }>('SELECT id, purpose, sealed FROM signing_keys');
        assert.ok(rows.length >= 3);
        for (const row of rows) {
          assert.equal(row.sealed, null, 'no key material in the database');
          assert.ok(listing.includes(`hawiya-${row.purpose}-${row.id}`), `${row.id} is in the token`);
        }
        assert.match(listing, /Private Key Object; EC/);
        // The API's view of the citizen's private key: CKA_SENSITIVE true, CKA_EXTRACTABLE false.
        // PKCS#11 is process-wide: this module handle shares the keystore's initialisation
        // and login, and must not finalise it.
        const library = new pkcs11js.PKCS11();
        library.load(token!.module);
        try {
          library.C_Initialize();
        } catch (err) {
          if ((err as { code?: number }).code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw err;
        }
        const slot = library.C_GetSlotList(true).find((each) => library.C_GetTokenInfo(each).label.trim() === token!.tokenLabel)!;
        const session = library.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
        try {
          const keyId = (await testDb.db.query<{ key_id: string }>('SELECT key_id FROM signing_certificates WHERE serial = $1', [certificate.serial])).rows[0]!.key_id;
          library.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY }, { type: pkcs11js.CKA_ID, value: Buffer.from(keyId.replaceAll('-', ''), 'hex') }]);
          const found = library.C_FindObjects(session, 2);
          library.C_FindObjectsFinal(session);
          assert.equal(found.length, 1, 'one private key with the key\'s CKA_ID');
          const [sensitive, extractable, neverExtractable] = library.C_GetAttributeValue(session, found[0]!, [
            { type: pkcs11js.CKA_SENSITIVE }, { type: pkcs11js.CKA_EXTRACTABLE }, { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
          ]);
          assert.equal(sensitive!.value[0], 1, 'CKA_SENSITIVE');
          assert.equal(extractable!.value[0], 0, 'CKA_EXTRACTABLE');
          assert.equal(neverExtractable!.value[0], 1, 'CKA_NEVER_EXTRACTABLE');
        } finally {
          library.C_CloseSession(session);
        }
      });
    }
  });
}
