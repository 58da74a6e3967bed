// GET /api/openapi.json: built once; it changes only with the code.
import Router from '@koa/router';
import type { AppState } from '../context.ts';
import { openApiDocument } from './index.ts';

export function createOpenApiRouter(deps: { issuer: string }): Router<AppState> {
  const document = JSON.stringify(openApiDocument(deps.issuer));
  const router = new Router<AppState>();
  router.get('/api/openapi.json', (ctx) => {
    ctx.state.route = 'openapi';
    ctx.type = 'application/json';
    ctx.body = document;
  });
  return router;
}
