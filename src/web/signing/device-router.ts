// POST /api/signing/device-certificate: the mobile app's signing certificate for a key it
// holds. The access token must come from a sign-in at the high level less than five
// minutes old: a bearer token, or a DPoP-bound one with its proof (RFC 9449), as the app,
// a native public client, holds only DPoP-bound tokens. The app runs in a browser on its
// own origin: CORS is open, as the endpoint honours no cookie. The body is {"csr":
// PKCS#10, DER in base64 or PEM}. The answer is the certificate and the chain up to (not
// including) the root, DER in base64. A new device certificate supersedes the person's
// previous one.
import Router from '@koa/router';
import { z } from 'zod';
import type { Provider } from 'oidc-provider';
import type { AppState } from '../context.ts';
import { readJson } from '../body.ts';
import { AppError } from '../../errors.ts';
import { ACR } from '../../authn/assurance.ts';
import type { SigningService } from '../../signing/signing-service.ts';
import type { PersonQueries } from '../../register/persons.ts';
import { issueCertificate } from '../../signing/certificates.ts';
import { provenDeviceKey } from '../../signing/device-csr.ts';
import { findPresentedToken } from '../../oidc/signing-tokens.ts';

const FRESH_SECONDS = 300;
const body = z.object({ csr: z.string().min(1).max(16 * 1024) });

const PATH = '/api/signing/device-certificate';

export function createDeviceRouter(deps: { signing: SigningService; persons: PersonQueries; provider(): Provider; issuer: string; maxBodyBytes: number }): Router<AppState> {
  const router = new Router<AppState>();
  const url = new URL(PATH, deps.issuer).href;
  // The app calls from its own origin. The endpoint honours no cookie, only the token
  // and its proof, so any origin may call it and read the answer (errors included).
  router.use(PATH, async (ctx, next) => {
    const origin = ctx.get('Origin');
    if (origin) {
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
      ctx.set('Vary', 'Origin');
    }
    await next();
  });
  router.options(PATH, (ctx) => {
    ctx.set('Access-Control-Allow-Methods', 'POST');
    ctx.set('Access-Control-Allow-Headers', 'authorization, dpop, content-type, accept, accept-language');
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
  });
  router.post(PATH, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = await findPresentedToken(deps.provider(), ctx.get('Authorization') || undefined, { proof: ctx.get('DPoP') || undefined, method: 'POST', url, now: deps.signing.clock.now() });
    if (!token) {
      ctx.set('WWW-Authenticate', `${ctx.get('Authorization').startsWith('DPoP ') ? 'DPoP' : 'Bearer'} error="invalid_token"`);
      throw new AppError('invalid_token');
    }
    const fresh = token.authTime !== null && deps.signing.clock.now().getTime() - token.authTime.getTime() <= FRESH_SECONDS * 1000;
    if (token.acr !== ACR.high || !fresh) {
      ctx.set('WWW-Authenticate', `Bearer error="insufficient_user_authentication", acr_values="${ACR.high}", max_age=${FRESH_SECONDS}`);
      throw new AppError('forbidden', { message: `a sign-in at ${ACR.high} less than ${FRESH_SECONDS} seconds old is needed` });
    }
    const parsed = body.safeParse(await readJson(ctx, deps.maxBodyBytes));
    if (!parsed.success) throw new AppError('bad_request', { message: `csr: ${parsed.error.issues[0]!.message}` });
    const devicePublicKey = await provenDeviceKey(parsed.data.csr);
    const person = await deps.persons.findById(token.accountId);
    if (!person) throw new AppError('forbidden');
    const ca = await deps.signing.ca();
    const certificate = await issueCertificate(deps.signing, ca, { person, holder: 'device', devicePublicKey }, { actor: `person:${person.id}`, requestId: ctx.state.requestId, sourceIp: ctx.ip });
    ctx.status = 201;
    ctx.body = { serial: certificate.serial, certificate: certificate.der.toString('base64'), chain: [ca.issuing.der.toString('base64')] };
  });
  return router;
}
