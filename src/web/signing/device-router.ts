// POST /api/signing/device-certificate: the mobile app's signing certificate for a key it
// holds. The bearer token must come from a sign-in at the high level less than five
// minutes old; the body is {"csr": PKCS#10, DER in base64 or PEM}. The answer is the
// certificate and the chain up to (not including) the root, DER in base64. A new device
// certificate supersedes the person's previous one.
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

export function createDeviceRouter(deps: { signing: SigningService; persons: PersonQueries; provider(): Provider; maxBodyBytes: number }): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/signing/device-certificate', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const token = await findPresentedToken(deps.provider(), ctx.get('Authorization') || undefined);
    if (!token) {
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
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
