// The portal's API for its mobile app: the catalogue (open), and the person's requests
// (a DPoP-bound access token of the app). CORS lets the app's origin call it.
import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { AGENCIES, SERVICES } from './catalogue/index.ts';
import { AccessRefused, type DpopAccess } from './dpop-access.ts';
import type { Requests } from './requests.ts';

export function mountApi(router: Router, deps: { requests: Requests; access: DpopAccess; baseUrl: string; mobileOrigin: string }): void {
  const cors = async (ctx: Context, next: Next) => {
    if (ctx.get('origin') === deps.mobileOrigin) {
      ctx.set('Access-Control-Allow-Origin', deps.mobileOrigin);
      ctx.set('Vary', 'Origin');
      ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    await next();
  };

  router.options('/api/:path', cors, (ctx) => {
    ctx.set('Access-Control-Allow-Methods', 'GET');
    ctx.set('Access-Control-Allow-Headers', 'authorization, dpop');
    ctx.set('Access-Control-Max-Age', '600');
    ctx.status = 204;
  });

  router.get('/api/catalogue', cors, (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = { agencies: AGENCIES, services: SERVICES };
  });

  router.get('/api/requests', cors, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      const { sub } = await deps.access.authorize({
        authorization: ctx.get('authorization') || undefined,
        proof: ctx.get('dpop') || undefined,
        method: 'GET',
        // The URI the app called, as the proof's htu names it.
        url: new URL(ctx.originalUrl, deps.baseUrl).href,
      });
      ctx.body = { requests: deps.requests.ofPerson(sub).map(({ sub: _sub, ...request }) => request) };
    } catch (err) {
      if (!(err instanceof AccessRefused)) throw err;
      ctx.status = err.status;
      // RFC 9449 §7.1: the DPoP scheme in the challenge, with the error.
      ctx.set('WWW-Authenticate', `DPoP error="${err.error}", algs="ES256 PS256 RS256 EdDSA"`);
      ctx.body = { error: err.error, error_description: err.message };
    }
  });
}
