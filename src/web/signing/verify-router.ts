// POST /api/signatures/verify: the verification API for agencies (documented in OpenAPI,
// web/openapi/signing.ts). It takes a detached CMS or a JWS with its data, or a signed
// PDF, as JSON, and answers with the signer and the result of each check. A signature
// that fails a check is a 200 with `valid: false`; only input that is not a signature of
// the kind named is a 400.
import Router from '@koa/router';
import { z } from 'zod';
import type { AppState } from '../context.ts';
import { readJson } from '../body.ts';
import { AppError } from '../../errors.ts';
import type { SigningService } from '../../signing/signing-service.ts';
import { MalformedSignature, verifyCms } from '../../signing/verify-cms.ts';
import { verifyJws } from '../../signing/verify-jws.ts';
import { verifyPdf } from '../../signing/verify-pdf.ts';

export const VERIFY_PATH = '/api/signatures/verify';

const base64 = z.string().min(1).regex(/^[A-Za-z0-9+/=\s_-]+$/, 'must be base64');

export const verifyRequest = z.discriminatedUnion('format', [
  z.object({ format: z.literal('cms'), signature: z.string().min(1), data: base64 }),
  z.object({ format: z.literal('jws'), signature: z.string().min(1).max(1024 * 1024), data: base64.optional() }),
  z.object({ format: z.literal('pdf'), document: base64 }),
]);

// DER as base64, or PEM (openssl cms -outform PEM).
function cmsBytes(text: string): Buffer {
  const pem = /-----BEGIN (?:CMS|PKCS7)-----([\s\S]+?)-----END (?:CMS|PKCS7)-----/.exec(text);
  return Buffer.from((pem ? pem[1]! : text).replace(/\s/g, ''), 'base64');
}

export function createVerifyRouter(deps: { signing: SigningService; maxBytes: number }): Router<AppState> {
  const router = new Router<AppState>();
  router.post(VERIFY_PATH, async (ctx) => {
    const parsed = verifyRequest.safeParse(await readJson(ctx, deps.maxBytes));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('bad_request', { message: `${issue.path.join('.') || 'body'}: ${issue.message}` });
    }
    const input = parsed.data;
    const ca = await deps.signing.ca();
    try {
      const result = input.format === 'cms'
        ? await verifyCms(deps.signing, ca, cmsBytes(input.signature), Buffer.from(input.data, 'base64'))
        : input.format === 'jws'
          ? await verifyJws(deps.signing, ca, input.signature, input.data === undefined ? undefined : Buffer.from(input.data, 'base64'))
          : await verifyPdf(deps.signing, ca, Buffer.from(input.document, 'base64'));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { format: input.format, ...result };
    } catch (err) {
      if (err instanceof MalformedSignature) throw new AppError('bad_request', { message: err.message });
      throw err;
    }
  });
  return router;
}
