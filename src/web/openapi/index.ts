// GET /api/openapi.json: one OpenAPI 3.1 document for every JSON API Hawiya serves under
// /api, merged from one file per area (paths and component schemas), so each area keeps
// its description beside nothing but its own.
import Router from '@koa/router';
import type { AppState } from '../context.ts';
import { registrationPaths, registrationSchemas } from './registration.ts';

interface Area {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
}

const AREAS: readonly Area[] = [
  { paths: registrationPaths, schemas: registrationSchemas },
];

export function openApiDocument(issuer: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const area of AREAS) {
    for (const [path, item] of Object.entries(area.paths)) {
      if (path in paths) throw new Error(`OpenAPI: ${path} is described by two areas`);
      paths[path] = item;
    }
    for (const [name, schema] of Object.entries(area.schemas)) {
      if (name in schemas) throw new Error(`OpenAPI: schema ${name} is defined by two areas`);
      schemas[name] = schema;
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hawiya API', version: '1', description: 'The JSON APIs of Hawiya, the national e-ID provider. OpenID Connect endpoints are described by discovery instead.' },
    servers: [{ url: issuer }],
    paths: {
      '/api/openapi.json': {
        get: {
          operationId: 'openApiDocument', summary: 'This document', tags: ['meta'],
          responses: { 200: { description: 'The OpenAPI 3.1 document of every JSON API under /api', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
      ...paths,
    },
    components: { schemas },
  };
}

export function createOpenApiRouter(issuer: string): Router<AppState> {
  const router = new Router<AppState>();
  const body = JSON.stringify(openApiDocument(issuer));
  router.get('/api/openapi.json', async (ctx) => {
    ctx.state.route = 'api';
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.body = body;
  });
  return router;
}
