// The OpenAPI 3.1 document of Hawiya's HTTP APIs, served at /api/openapi.json: the areas
// merged into one. To add an area, write its file beside admin.ts and list it here.
import type { Json, OpenApiArea } from './area.ts';
import { adminArea } from './admin.ts';
import { registrationArea } from './registration.ts';
import { signingArea } from './signing.ts';

// The document itself, so a client can find it by its own description.
const metaArea: OpenApiArea = {
  tags: [{ name: 'meta', description: 'This description' }],
  paths: {
    '/api/openapi.json': {
      get: {
        operationId: 'openApiDocument', summary: 'This document', tags: ['meta'],
        responses: { 200: { description: 'The OpenAPI 3.1 document of every API under /api', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

export const AREAS: readonly OpenApiArea[] = [metaArea, registrationArea, adminArea, signingArea];

const errorSchema: Json = {
  type: 'object',
  required: ['error', 'error_description', 'request_id'],
  properties: {
    error: { type: 'string', description: 'a stable code, also the key of its translated message' },
    error_description: { type: 'string', description: 'what exactly was wrong, naming the field' },
    request_id: { type: 'string' },
  },
};

// Every operation gets an operationId (code generators need one), derived from its method
// and path when its area names none, and says what it needs: an area that names no
// security describes a public operation (`security: []`).
function completed(method: string, path: string, operation: Json): Json {
  if (typeof operation !== 'object' || operation === null || Array.isArray(operation) || method === 'parameters') return operation;
  const words = [method, ...path.split(/[^A-Za-z0-9]+/).filter(Boolean)];
  const derived = words.map((word, index) => (index === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join('');
  return { operationId: derived, security: [], ...operation };
}

export function openApiDocument(issuer: string, areas: readonly OpenApiArea[] = AREAS): Record<string, Json> {
  const paths: Record<string, Record<string, Json>> = {};
  for (const area of areas) {
    for (const [path, operations] of Object.entries(area.paths)) {
      const clash = Object.keys(operations).find((method) => paths[path]?.[method] !== undefined);
      if (clash) throw new Error(`OpenAPI: ${clash.toUpperCase()} ${path} is described twice`);
      paths[path] = { ...paths[path], ...Object.fromEntries(Object.entries(operations).map(([method, operation]) => [method, completed(method, path, operation)])) };
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Hawiya', version: '1', description: 'The HTTP APIs of Hawiya, beside its OpenID Connect endpoints (see /.well-known/openid-configuration).' },
    servers: [{ url: issuer }],
    tags: areas.flatMap((area) => area.tags),
    paths,
    components: {
      schemas: Object.assign({ Error: errorSchema }, ...areas.map((area) => area.schemas ?? {})),
      securitySchemes: Object.assign({}, ...areas.map((area) => area.securitySchemes ?? {})),
    },
  };
}
