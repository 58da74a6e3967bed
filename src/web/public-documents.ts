// Discovery and the JWKS change only with the provider (its configuration and keys), yet
// the provider builds them on every request. Cache each body per provider instance, so
// a key rotation (a new instance) empties the cache by itself. Requests with an Origin
// header go through the provider, which answers CORS for them.
import type { Middleware } from 'koa';
import type { AppState } from './context.ts';

const CACHED = new Set(['/.well-known/openid-configuration', '/jwks']);

interface CachedDocument {
  body: unknown;
  type: string;
  cacheControl: string;
}

export function cachePublicDocuments(currentProvider: () => object): Middleware<AppState> {
  let owner: object | undefined;
  let cache = new Map<string, CachedDocument>();
  return async (ctx, next) => {
    if (ctx.method !== 'GET' || !CACHED.has(ctx.path) || ctx.get('Origin')) return next();
    const provider = currentProvider();
    if (provider !== owner) {
      owner = provider;
      cache = new Map();
    }
    const hit = cache.get(ctx.path);
    if (hit) {
      ctx.state.route = ctx.path === '/jwks' ? 'oidc:jwks' : 'oidc:discovery';
      ctx.type = hit.type;
      if (hit.cacheControl) ctx.set('Cache-Control', hit.cacheControl);
      ctx.body = hit.body;
      return;
    }
    await next();
    if (ctx.status === 200 && ctx.body && typeof ctx.body === 'object' && currentProvider() === provider) {
      cache.set(ctx.path, { body: ctx.body, type: ctx.response.type, cacheControl: String(ctx.response.get('Cache-Control') ?? '') });
    }
  };
}
