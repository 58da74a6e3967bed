// GET /api/openapi.json: one OpenAPI 3.1 document, merged from each area's part.
import Router from '@koa/router';
import type { AppState } from '../context.ts';
import { signingPaths, signingSchemas, signingSecuritySchemes } from './signing.ts';

export function openApiDocument(issuer: string) {
  return {
    openapi: '3.1.0',
    info: { title: 'Hawiya', version: '0.1.0', description: 'The national e-ID provider\'s APIs for agencies' },
    servers: [{ url: issuer }],
    paths: { ...signingPaths },
    components: { schemas: { ...signingSchemas }, securitySchemes: { ...signingSecuritySchemes } },
  };
}

export function createOpenApiRouter(issuer: string): Router<AppState> {
  const router = new Router<AppState>();
  const body = JSON.stringify(openApiDocument(issuer));
  router.get('/api/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
