// Signing throughput, on one Hawiya in this process (PGlite in memory, or DATABASE_URL):
//   signDigest/s      the keystores alone: software (noble, sealed keys) and SoftHSM2
//                     (PKCS#11), beside node:crypto's ECDSA P-256 (OpenSSL) as the baseline
//   signHash/s        the CSC signHash path without HTTP or the token lookup: checks, the
//                     token's single use, the signature and its audit record, per keystore
//   OCSP/s            POST /ca/ocsp over HTTP with autocannon (one certificate per request)
//   verify/s          POST /api/signatures/verify with a CAdES-B-B CMS over HTTP
//
//   npm exec -- node bench/signing.ts      (SIGNING_BENCH_COUNT, default 500; BENCH_SECONDS, default 5)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createDb } from '../src/db/db.ts';
import { loadConfig } from '../src/config.ts';
import { createApp, type HawiyaApp } from '../src/app.ts';
import { enterPerson } from '../src/register/register.ts';
import { issueCertificate } from '../src/signing/certificates.ts';
import { signHashes } from '../src/signing/sign-hash.ts';
import { cadesSignedAttributes, detachedSignedData, hashToSign } from '../src/signing/cms.ts';
import { toPem } from '../src/signing/x509.ts';
import { ACR } from '../src/authn/assurance.ts';
import autocannon from 'autocannon';
import { hammer } from './lib/load.ts';
import { fictionalRecord } from '../test/support/relying-party.ts';
import { createTestToken } from '../test/support/softhsm.ts';
import { createWorkdir } from '../test/support/openssl.ts';

const COUNT = Number(process.env.SIGNING_BENCH_COUNT ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SHA256 = '2.16.840.1.101.3.4.2.1';

async function start(signing: Record<string, unknown>) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ NODE_ENV: 'test' }, { overrides: { issuer: url, logLevel: 'silent', signing } });
  const db = createDb(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : { dataDir: 'memory' });
  const hawiya = await createApp({ config, db, kek: randomBytes(32) });
  server.on('request', hawiya.app.callback());
  const ca = (await db.query('SELECT 1 FROM signing_cas')).rows.length > 0 ? await hawiya.services.signing.ca() : await hawiya.services.signing.initCa('bench');
  const entered = await enterPerson(hawiya.services, fictionalRecord(), { actor: 'bench' });
  const person = (await hawiya.services.persons.findById(entered.id))!;
  const certificate = await issueCertificate(hawiya.services.signing, ca, { person, holder: 'remote' }, { actor: 'bench' });
  return { url, hawiya, server, db, ca, person, certificate };
}

type Running = Awaited<ReturnType<typeof start>>;

async function stop(running: Running) {
  running.hawiya.close();
  running.server.closeAllConnections();
  await new Promise<void>((resolve) => running.server.close(() => resolve()));
  await running.db.close();
}

async function perSecond(count: number, one: (i: number) => Promise<unknown> | unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await one(i);
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function signDigestRate(running: Running): Promise<number> {
  const digest = createHash('sha256').update('bench').digest();
  await running.hawiya.services.signing.keys.signDigest(running.certificate.keyId!, digest);
  return perSecond(COUNT, () => running.hawiya.services.signing.keys.signDigest(running.certificate.keyId!, digest));
}

// The signHash path with an authorisation as the provider would hand it over.
async function signHashRate(running: Running): Promise<number> {
  const { services } = running.hawiya;
  return perSecond(COUNT, async (i) => {
    const hash = createHash('sha256').update(`document ${i}`).digest('base64');
    const token = {
      id: randomUUID(), accountId: running.person.id, clientId: 'bench', issuedAt: new Date(), acr: ACR.high, senderConstrained: false, authTime: new Date(),
      details: [{ type: 'credential', credentialID: running.certificate.serial, hashAlgorithmOID: SHA256, documentDigests: [{ hash, label: `Document ${i}` }] }],
    };
    await signHashes(services.signing, token, { credentialID: running.certificate.serial, hashes: [hash], hashAlgorithmOID: SHA256, signAlgo: '1.2.840.10045.4.3.2' }, {});
  });
}

async function httpRates(running: Running) {
  const work = createWorkdir('hawiya-bench-');
  try {
    work.write('issuing.pem', toPem(running.ca.issuing.der));
    work.write('citizen.pem', toPem(running.certificate.der));
    execFileSync('openssl', ['ocsp', '-issuer', 'issuing.pem', '-cert', 'citizen.pem', '-no_nonce', '-reqout', 'req.der'], { cwd: work.dir, stdio: 'pipe' });
    const request = readFileSync(`${work.dir}/req.der`);
    // A successful, signed answer (responseStatus 0), not a malformedRequest one, before any load.
    const answer = Buffer.from(await (await fetch(`${running.url}/ca/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: request })).arrayBuffer());
    if (!answer.includes(Buffer.from([0x0a, 0x01, 0x00])) || answer.length < 200) throw new Error('the OCSP responder did not answer successfully');
    const ocsp = await ocspLoad(running.url, request);

    const content = Buffer.from('A document to verify.\n');
    const signedAttributes = cadesSignedAttributes({ contentDigest: createHash('sha256').update(content).digest(), signerCertificate: running.certificate.der, signingTime: new Date() });
    const signature = await running.hawiya.services.signing.keys.signDigest(running.certificate.keyId!, hashToSign(signedAttributes));
    const cms = detachedSignedData({ signedAttributes, signature, signerCertificate: running.certificate.der, chain: [running.ca.issuing.der] });
    const body = JSON.stringify({ format: 'cms', signature: cms.toString('base64'), data: content.toString('base64') });
    const check = await (await fetch(`${running.url}/api/signatures/verify`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body })).json() as { valid: boolean };
    if (!check.valid) throw new Error('the benchmark CMS does not verify');
    const verify = await hammer(running.url, { path: '/api/signatures/verify', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body }, { seconds: SECONDS, connections: 10 });
    return { ocsp, verify };
  } finally {
    work.remove();
  }
}

// autocannon with the DER request as bytes (the shared helper sends text).
async function ocspLoad(url: string, body: Buffer) {
  const result = await autocannon({ url: `${url}/ca/ocsp`, method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body, connections: 10, duration: SECONDS, timeout: 10 });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`OCSP under load: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { answered: result['2xx'], seconds: result.duration, p99Ms: result.latency.p99 };
}

function baselineRate(): Promise<number> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('bench');
  return perSecond(COUNT, () => sign('sha256', data, privateKey));
}

async function main() {
  const rows: string[][] = [];
  rows.push(['node:crypto ECDSA P-256 sign (OpenSSL, baseline)', (await baselineRate()).toFixed(0), '']);

  const software = await start({ keystore: 'software' });
  try {
    rows.push(['signDigest, software keystore', (await signDigestRate(software)).toFixed(0), '']);
    rows.push(['signHash path, software keystore', (await signHashRate(software)).toFixed(0), `${COUNT} sequential`]);
    const { ocsp, verify } = await httpRates(software);
    rows.push(['OCSP responses (POST /ca/ocsp)', (ocsp.answered / ocsp.seconds).toFixed(0), `10 connections, p99 ${ocsp.p99Ms} ms`]);
    rows.push(['verifications (POST /api/signatures/verify, CMS)', (verify.answered / verify.seconds).toFixed(0), `10 connections, p99 ${verify.p99Ms} ms`]);
  } finally {
    await stop(software);
  }

  const token = createTestToken();
  const hsm = await start({ keystore: 'pkcs11', pkcs11: { module: token.module, tokenLabel: token.tokenLabel, pinFile: token.pinFile } });
  try {
    rows.push(['signDigest, SoftHSM2 (PKCS#11)', (await signDigestRate(hsm)).toFixed(0), '']);
    rows.push(['signHash path, SoftHSM2 (PKCS#11)', (await signHashRate(hsm)).toFixed(0), `${COUNT} sequential`]);
  } finally {
    await stop(hsm);
  }

  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  process.stdout.write(`\nSigning, ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, Node ${process.version}, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'}\n\n`);
  process.stdout.write([line(['scenario', 'per second', 'note']), line(['---', '---', '---']), ...rows.map(line)].join('\n') + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
