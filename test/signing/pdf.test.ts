// PAdES-B-B: the portal signs a PDF form with the citizen's remote key (pdf-lib, @signpdf,
// and our signer calling signHash after the citizen's approval). Checked by poppler's
// pdfsig, with our root trusted in a throwaway NSS database (certutil), and by our
// verification API; a tampered copy fails both.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { registerClient, discover, oidc } from '../support/relying-party.ts';
import { createHighPerson } from '../support/high-sign-in.ts';
import { signRemotely } from '../support/remote-signing.ts';
import { command, createWorkdir, type Workdir } from '../support/openssl.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { revokeCertificate } from '../../src/signing/revocation.ts';
import { addSignaturePlaceholder, signPdf } from '../../src/signing/pdf-signer.ts';
import { toPem } from '../../src/signing/x509.ts';

const SECRET = 'portal-client-secret-0123456789-abcdefghijklmn';

async function buildingPermitForm(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const page = document.addPage([595, 842]);
  const font = await document.embedFont(StandardFonts.Helvetica);
  page.drawText('Application for a building permit', { x: 50, y: 780, size: 18, font });
  page.drawText('Parcel: 118, Wadi Nour. Works: one storey, 90 square metres.', { x: 50, y: 740, size: 11, font });
  const form = document.getForm();
  const applicant = form.createTextField('applicant');
  applicant.setText('Salma El Khatib');
  applicant.addToPage(page, { x: 50, y: 690, width: 300, height: 24, font });
  return document.save({ useObjectStreams: false });
}

describe('PDF signing (PAdES-B-B)', () => {
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let config: oidc.Configuration;
  let work: Workdir;
  let nss: string;
  let signed: Buffer;
  let serial: string;

  before(async () => {
    testDb = await createTestDb();
    work = createWorkdir('hawiya-pdf-');
    hawiya = await startHawiya({ db: testDb.db, kek: newKek() });
    const ca = await hawiya.hawiya.services.signing.initCa('test');
    await registerClient(hawiya, { client_id: 'portal', client_secret: SECRET, client_name: 'Citizen portal', authorization_details_types: ['credential'] });
    config = await discover(hawiya.url, 'portal', SECRET);
    // pdfsig trusts what its NSS database trusts: our root, and nothing else.
    nss = `sql:${work.dir}/nss`;
    mkdirSync(`${work.dir}/nss`);
    work.write('root.pem', toPem(ca.root.der));
    work.write('issuing.pem', toPem(ca.issuing.der));
    // Trusted for e-mail signing (the second field), the usage pdfsig checks; poppler hands
    // NSS the signer's certificate alone, so the issuing CA is added, with no trust.
    for (const args of [
      ['-N', '-d', nss, '--empty-password'],
      ['-A', '-d', nss, '-n', 'Hawiya root', '-t', ',C,', '-i', `${work.dir}/root.pem`],
    ]) {
      const done = await command('certutil', args);
      assert.equal(done.code, 0, `certutil (apt-get install libnss3-tools): ${done.stderr}`);
    }

    const person = await createHighPerson(hawiya);
    const record = (await hawiya.hawiya.services.persons.findById(person.id))!;
    const certificate = await issueCertificate(hawiya.hawiya.services.signing, ca, { person: record, holder: 'remote' }, { actor: 'test' });
    serial = certificate.serial;
    // pdfsig asks our OCSP responder about the signer's certificate (AIA) while it validates.
    const prepared = await addSignaturePlaceholder(await buildingPermitForm(), { reason: 'Application for a building permit', name: 'Salma El Khatib', location: 'Wadi Nour' });
    signed = await signPdf(prepared, {
      certificate: certificate.der,
      chain: [ca.issuing.der],
      signHash: (hash) => signRemotely(hawiya, config, person, certificate.serial, hash, 'Application for a building permit.pdf'),
    });
  });

  after(async () => {
    await hawiya.close();
    await testDb.drop();
    work.remove();
  });

  async function verifyApi(pdf: Buffer) {
    const response = await fetch(`${hawiya.url}/api/signatures/verify`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ format: 'pdf', document: pdf.toString('base64') }) });
    return { status: response.status, json: await response.json() as Record<string, unknown> };
  }

  it('makes a signature that pdfsig validates, with a trusted certificate, as ETSI.CAdES.detached', async () => {
    work.write('signed.pdf', signed);
    const result = await command('pdfsig', ['-nssdir', nss, `${work.dir}/signed.pdf`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Signer Certificate Common Name: Salma El Khatib/);
    assert.match(result.stdout, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(result.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(result.stdout, /Certificate Validation: Certificate is Trusted\./);
    assert.match(result.stdout, /Total document signed/);
  });

  it('passes every check of the verification API', async () => {
    const result = await verifyApi(signed);
    assert.equal(result.status, 200);
    assert.equal(result.json.valid, true, JSON.stringify(result.json));
    assert.equal((result.json.signer as { name: string }).name, 'Salma El Khatib');
  });

  it('fails both checks once a signed byte is changed', async () => {
    const tampered = Buffer.from(signed);
    // The form field's value, inside the signed bytes.
    const at = tampered.indexOf('/Reason (Application');
    assert.ok(at > 0);
    tampered.write('/Reason (Bpplication', at);
    work.write('tampered.pdf', tampered);
    const result = await command('pdfsig', ['-nssdir', nss, `${work.dir}/tampered.pdf`]);
    assert.doesNotMatch(result.stdout, /Signature is Valid/);
    assert.match(result.stdout, /Signature Validation: (Digest Mismatch|Signature is Invalid)/);
    const api = await verifyApi(tampered);
    assert.equal(api.json.valid, false);
    assert.equal((api.json.checks as { integrity: string }).integrity, 'failed');
  });

  it('fails the integrity check when content is appended after signing', async () => {
    const appended = Buffer.concat([signed, Buffer.from('\n% appended after signing\n')]);
    const api = await verifyApi(appended);
    assert.equal(api.json.valid, false);
    assert.match(String(api.json.problem), /changed after it was signed/);
  });

  it('shows the certificate revoked in pdfsig, through our OCSP responder, once it is', async () => {
    await testDb.db.transaction((tx) => revokeCertificate(tx, hawiya.hawiya.services.clock, { serial, reason: 'key_compromise' }, { actor: 'test' }));
    work.write('revoked.pdf', signed);
    const result = await command('pdfsig', ['-nssdir', nss, `${work.dir}/revoked.pdf`]);
    assert.match(result.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(result.stdout, /Certificate Validation: Certificate has been Revoked\./);
  });
});
