// The portal signs a request's PDF form with the citizen's remote key, over HTTP against a
// real Hawiya seeded as `npm run demo` seeds it: without a signing certificate the page
// says where to get one; with one, the portal shows the verification code, Hawiya asks
// for a sign-in of its own at high (a passkey) and shows the same code, and the portal
// embeds the signature (PAdES-B-B, ETSI.CAdES.detached) and shows Hawiya's verdict. The
// downloaded PDF is checked by poppler's pdfsig, with Hawiya's root trusted in a throwaway
// NSS database, and by Hawiya's verification API.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import { freePort, backend, createTestDb, startHawiya, newKek, type RunningHawiya, type TestDb } from '../support/harness.ts';
import { UserAgent, hiddenInput, formAction, type Page } from '../support/user-agent.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';
import { usePasskey } from '../support/high-sign-in.ts';
import { command, createWorkdir, type Workdir } from '../support/openssl.ts';
import { seedDemo, type DemoSeed } from '../../src/demo/seed.ts';
import { registrationOptions, registerPasskey } from '../../src/authn/passkeys.ts';
import { issueCertificate } from '../../src/signing/certificates.ts';
import { toPem } from '../../src/signing/x509.ts';
import { startExamples, type ExampleStack } from '../../examples/stack.ts';

describe(`the portal signs a PDF form with the citizen's remote key (${backend})`, function () {
  this.timeout(60_000);
  let testDb: TestDb;
  let hawiya: RunningHawiya;
  let stack: ExampleStack;
  let seed: DemoSeed;
  let dataDir: string;
  let work: Workdir;
  let requestUrl = '';
  const agent = new UserAgent();
  const passkey = new SoftAuthenticator();
  const youssef = () => seed.accounts.find((account) => account.username === 'youssef')!;

  async function post(page: Page, ending: string, form: Record<string, string> = {}): Promise<Page> {
    return agent.navigate(new URL(formAction(page.html, ending), page.url).href, { form: { csrf: hiddenInput(page.html, 'csrf'), ...form } });
  }

  before(async () => {
    testDb = await createTestDb();
    dataDir = mkdtempSync(join(tmpdir(), 'hawiya-signing-'));
    work = createWorkdir('hawiya-portal-pdf-');
    hawiya = await startHawiya({ db: testDb.db, kek: newKek(), config: { dataDir } });
    const ports = { portal: await freePort(), payments: await freePort(), mobile: await freePort() };
    seed = await seedDemo(hawiya.hawiya.services, ports);
    stack = await startExamples({ issuer: hawiya.url, dataDir, ports, keepState: false, processorDelayMs: 50 });
    // Youssef adds a passkey (staff are verified in person, so it reaches high).
    const { services } = hawiya.hawiya;
    const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', ['youssef']);
    const issuer = new URL(hawiya.url);
    const deps = { db: services.db, clock: services.clock, rpId: issuer.hostname, origin: issuer.origin, rpName: 'Hawiya' };
    const { challengeId, options } = await registrationOptions(deps, { id: rows[0]!.id, username: 'youssef', displayName: 'Youssef' });
    await registerPasskey(deps, { accountId: rows[0]!.id, challengeId, response: passkey.register(options, hawiya.url), name: 'phone' });
  });

  after(async () => {
    await stack?.close();
    await hawiya?.close();
    await testDb?.drop();
    work?.remove();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes a request for a building permit, whose page offers to sign its form', async () => {
    let page = await agent.navigate(`${stack.urls.portal}/services/building-permit/request?lang=en`);
    page = await post(page, '/login', { username: youssef().username, password: youssef().password });
    page = await post(page, '/otp', { code: await generate({ secret: youssef().totp_secret! }) });
    if (page.html.includes('/confirm"')) page = await post(page, '/confirm');
    assert.equal(new URL(page.url).pathname, '/services/building-permit/request');
    page = await post(page, '/request');
    requestUrl = page.url;
    assert.match(page.html, /<h2 id="signing">Sign the form<\/h2>/);
    assert.doesNotMatch(page.html, /not available/);
  });

  it('says where to get a signing certificate when the person has none', async () => {
    const page = await post(await agent.navigate(requestUrl), '/sign');
    assert.match(page.html, /You do not have a Hawiya signing certificate yet/);
    assert.match(page.html, new RegExp(`href="${hawiya.url}/account/signature"`));
  });

  it('signs the form after the approval at Hawiya, showing the same verification code on both sides, and shows Hawiya\'s verdict', async () => {
    const { services } = hawiya.hawiya;
    const { rows } = await testDb.db.query<{ id: string }>('SELECT id FROM accounts WHERE username = $1', ['youssef']);
    await issueCertificate(services.signing, await services.signing.ca(), { person: (await services.persons.findById(rows[0]!.id))!, holder: 'remote' }, { actor: 'test' });

    const approve = await post(await agent.navigate(requestUrl), '/sign');
    const code = /data-verification-code>(\d{4})</.exec(approve.html)?.[1];
    assert.ok(code, 'the portal shows the verification code');
    // Hawiya asks for a sign-in of its own at high, then shows the document and the code.
    let page = await agent.navigate(new URL(/href="([^"]*\/sign\/approve)"/.exec(approve.html)![1]!, approve.url).href);
    assert.match(page.html, /\/passkey\/options/);
    page = await usePasskey(hawiya, agent, page, passkey);
    assert.match(page.html, /Citizen portal is asking you to sign/);
    assert.match(page.html, new RegExp(`<bdi dir="ltr">${code}</bdi>`));
    page = await post(page, '/confirm');
    assert.equal(page.url, requestUrl);
    assert.match(page.html, /The form is signed\./);
    assert.match(page.html, /data-verdict="valid"/);
    assert.match(page.html, /data-signer>Youssef Benali</);
  });

  it('offers a PDF that pdfsig and Hawiya\'s verification API accept', async () => {
    const response = await agent.request(`${requestUrl}/signed.pdf`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/pdf');
    assert.match(response.headers.get('content-disposition') ?? '', /attachment; filename="R-[A-Z0-9]+-signed\.pdf"/);
    const pdf = Buffer.from(await response.arrayBuffer());

    const root = Buffer.from(await (await fetch(`${hawiya.url}/ca/root.crt`)).arrayBuffer());
    work.write('root.pem', toPem(root));
    const nss = `sql:${work.dir}/nss`;
    mkdirSync(`${work.dir}/nss`);
    for (const args of [['-N', '-d', nss, '--empty-password'], ['-A', '-d', nss, '-n', 'Hawiya root', '-t', ',C,', '-i', `${work.dir}/root.pem`]]) {
      const done = await command('certutil', args);
      assert.equal(done.code, 0, `certutil (apt-get install libnss3-tools): ${done.stderr}`);
    }
    work.write('signed.pdf', pdf);
    const checked = await command('pdfsig', ['-nssdir', nss, `${work.dir}/signed.pdf`]);
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /Signer Certificate Common Name: Youssef Benali/);
    assert.match(checked.stdout, /Signature Type: ETSI\.CAdES\.detached/);
    assert.match(checked.stdout, /Signature Validation: Signature is Valid\./);
    assert.match(checked.stdout, /Certificate Validation: Certificate is Trusted\./);
    assert.match(checked.stdout, /Total document signed/);

    const verified = await fetch(`${hawiya.url}/api/signatures/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ format: 'pdf', document: pdf.toString('base64') }) });
    const verdict = await verified.json() as { valid: boolean; signer: { name: string } };
    assert.equal(verdict.valid, true, JSON.stringify(verdict));
    assert.equal(verdict.signer.name, 'Youssef Benali');
  });
});
