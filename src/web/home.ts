// The issuer's root: a person who types the address lands on where they can go (their
// account, registration, their application, a first sign-in), in their language. Every
// other path goes on untouched.
import type { AppMiddleware } from './context.ts';
import { renderPage } from './render.ts';

export function homePage(): AppMiddleware {
  return async (ctx, next) => {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    ctx.state.route = 'home';
    renderPage(ctx, 'home/index', { pagePath: '/' });
  };
}
