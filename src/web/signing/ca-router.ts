// What the CA publishes over plain HTTP, for any verifier: its two certificates, each CA's
// CRL (RFC 5280 §4.2.1.13; DER, application/pkix-crl) and the OCSP responder (RFC 6960
// Appendix A: POST of the DER request, or GET with it base64 in the path).
import Router from '@koa/router';
import type { AppContext, AppState } from '../context.ts';
import { readBytes } from '../body.ts';
import { AppError } from '../../errors.ts';
import type { SigningService } from '../../signing/signing-service.ts';
import { currentCrl } from '../../signing/crl.ts';
import { respondOcsp } from '../../signing/ocsp.ts';

// An OCSP request is a few hundred bytes; a batch of them a few kilobytes.
const MAX_OCSP_REQUEST = 16 * 1024;

function send(ctx: AppContext, type: string, body: Buffer, maxAge: number): void {
  ctx.type = type;
  ctx.set('Cache-Control', `public, max-age=${maxAge}`);
  ctx.body = body;
}

export function createCaRouter(signing: SigningService): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/ca' });

  router.get('/root.crt', async (ctx) => send(ctx, 'application/pkix-cert', (await signing.ca()).root.der, 86400));
  router.get('/issuing.crt', async (ctx) => send(ctx, 'application/pkix-cert', (await signing.ca()).issuing.der, 86400));
  // CRLs and OCSP answers change with each revocation: caches keep them a minute at most.
  router.get('/root.crl', async (ctx) => send(ctx, 'application/pkix-crl', await currentCrl(signing, await signing.ca(), 'root'), 60));
  router.get('/issuing.crl', async (ctx) => send(ctx, 'application/pkix-crl', await currentCrl(signing, await signing.ca(), 'issuing'), 60));

  router.post('/ocsp', async (ctx) => {
    if (!ctx.is('application/ocsp-request')) throw new AppError('unsupported_media_type');
    const request = await readBytes(ctx, MAX_OCSP_REQUEST);
    send(ctx, 'application/ocsp-response', await respondOcsp(signing, await signing.ca(), request), 0);
  });
  // The base64 may hold slashes: the rest of the path is the request (the router decodes it).
  router.get('/ocsp/*request', async (ctx) => {
    const encoded = String(ctx.params.request ?? '');
    if (encoded.length > MAX_OCSP_REQUEST) throw new AppError('payload_too_large');
    send(ctx, 'application/ocsp-response', await respondOcsp(signing, await signing.ca(), Buffer.from(encoded, 'base64')), 60);
  });

  return router;
}
