// A subset of the Cloud Signature Consortium API v2 under /csc/v2: info,
// credentials/list, credentials/info and signatures/signHash. Every call is a POST with a
// JSON body (CSC v2 §11). Credentials are authorised per signature with oauth2code: the
// relying party's authorization request carries authorization_details of type
// `credential`, and its access token is the signing authorisation (sign-hash.ts).
import Router from '@koa/router';
import { z } from 'zod';
import type { Provider } from 'oidc-provider';
import type { AppContext, AppState } from '../context.ts';
import { readJson } from '../body.ts';
import { AppError } from '../../errors.ts';
import type { SigningService } from '../../signing/signing-service.ts';
import { certificatesOf, findCertificate, type SigningCertificate } from '../../signing/certificates.ts';
import { signHashes } from '../../signing/sign-hash.ts';
import { findPresentedToken, type PresentedToken } from '../../oidc/signing-tokens.ts';
import { OID } from '../../signing/oids.ts';
import { nameText, parseCertificate } from '../../signing/x509.ts';

export interface CscDeps {
  signing: SigningService;
  provider(): Provider;
  issuer: string;
  maxBodyBytes: number;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('bad_request', { message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
  }
  return parsed.data;
}

const listRequest = z.object({ credentialInfo: z.boolean().optional(), certificates: z.enum(['none', 'single', 'chain']).optional(), certInfo: z.boolean().optional(), authInfo: z.boolean().optional() });
const infoRequest = z.object({ credentialID: z.string().min(1).max(64), certificates: z.enum(['none', 'single', 'chain']).optional(), certInfo: z.boolean().optional(), authInfo: z.boolean().optional() });
const signHashRequest = z.object({
  credentialID: z.string().min(1).max(64),
  hashes: z.array(z.string().min(1).max(200)).min(1).max(20),
  hashAlgorithmOID: z.string().min(1),
  signAlgo: z.string().min(1),
  operationMode: z.literal('S').optional(),
});

async function credentialInfo(deps: CscDeps, certificate: SigningCertificate, options: z.infer<typeof infoRequest>) {
  const ca = await deps.signing.ca();
  const now = deps.signing.clock.now();
  const parsed = parseCertificate(certificate.der);
  const status = certificate.revokedAt ? 'revoked' : certificate.notAfter <= now ? 'expired' : 'valid';
  const mode = options.certificates ?? 'single';
  const chain = mode === 'none' ? [] : mode === 'single' ? [certificate.der] : [certificate.der, ca.issuing.der];
  return {
    key: { status: status === 'valid' ? 'enabled' : 'disabled', algo: [OID.ecPublicKey], len: 256, curve: OID.p256 },
    cert: {
      status,
      certificates: chain.map((der) => der.toString('base64')),
      ...(options.certInfo ? {
        issuerDN: nameText(parsed.tbsCertificate.issuer),
        serialNumber: certificate.serial,
        subjectDN: nameText(parsed.tbsCertificate.subject),
        validFrom: certificate.notBefore.toISOString(),
        validTo: certificate.notAfter.toISOString(),
      } : {}),
    },
    auth: { mode: 'oauth2code' },
    // CSC v2 §8.2: SCAL2, each signature authorised by the holder for exactly its hashes.
    SCAL: '2',
    multisign: 20,
    lang: 'en',
  };
}

async function bearer(deps: CscDeps, ctx: AppContext): Promise<PresentedToken> {
  const token = await findPresentedToken(deps.provider(), ctx.get('Authorization') || undefined);
  if (!token) {
    ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    throw new AppError('invalid_token');
  }
  return token;
}

export function createCscRouter(deps: CscDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/csc/v2' });
  router.use(async (ctx, next) => {
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  router.post('/info', async (ctx) => {
    ctx.body = {
      specs: '2.0.0.2',
      name: 'Hawiya',
      logo: `${deps.issuer}/static/logo.svg`,
      region: deps.signing.settings.country,
      lang: 'en',
      description: 'Remote signing with citizens\' keys held by the national e-ID provider',
      authType: ['oauth2code'],
      oauth2: deps.issuer,
      oauth2Issuer: deps.issuer,
      asynchronousOperationMode: false,
      methods: ['credentials/list', 'credentials/info', 'signatures/signHash'],
      validationInfo: false,
    };
  });

  router.post('/credentials/list', async (ctx) => {
    const token = await bearer(deps, ctx);
    const options = parse(listRequest, await readJson(ctx, deps.maxBodyBytes));
    const live = (await certificatesOf(deps.signing.db, token.accountId)).filter((each) => each.holder === 'remote' && each.revokedAt === null);
    ctx.body = {
      credentialIDs: live.map((each) => each.serial),
      ...(options.credentialInfo ? { credentialInfos: await Promise.all(live.map(async (each) => ({ credentialID: each.serial, ...(await credentialInfo(deps, each, { credentialID: each.serial, ...options })) }))) } : {}),
    };
  });

  router.post('/credentials/info', async (ctx) => {
    const token = await bearer(deps, ctx);
    const request = parse(infoRequest, await readJson(ctx, deps.maxBodyBytes));
    const certificate = await findCertificate(deps.signing.db, request.credentialID);
    // Another person's credential is answered like one that does not exist.
    if (!certificate || certificate.personId !== token.accountId || certificate.holder !== 'remote') throw new AppError('not_found');
    ctx.body = await credentialInfo(deps, certificate, request);
  });

  router.post('/signatures/signHash', async (ctx) => {
    const token = await findPresentedToken(deps.provider(), ctx.get('Authorization') || undefined);
    const request = parse(signHashRequest, await readJson(ctx, deps.maxBodyBytes));
    const signatures = await signHashes(deps.signing, token, request, { requestId: ctx.state.requestId, sourceIp: ctx.ip });
    ctx.body = { signatures: signatures.map((signature) => signature.toString('base64')) };
  });

  return router;
}
