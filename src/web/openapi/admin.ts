// The admin API (web/admin/) in OpenAPI 3.1.
import { jsonOf, errorResponse, type Json, type OpenApiArea } from './area.ts';

const security: Json = [{ adminToken: ['hawiya:admin'] }];
const tags = ['admin'];

const common: Record<string, Json> = {
  400: errorResponse('bad_request or invalid_client_metadata: the description names the field'),
  401: errorResponse('invalid_token: no bearer token, or an unknown or expired one'),
  403: errorResponse('forbidden (the client lacks the admin role) or insufficient_scope (the token lacks hawiya:admin)'),
};

function operation(summary: string, responses: Record<string, Json>, extra: Record<string, Json> = {}): Json {
  return { tags, summary, security, responses: { ...common, ...responses }, ...extra };
}

const pathParameter = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const queryParameter = (name: string, description: string, schema: Json = { type: 'string' }): Json => ({ name, in: 'query', required: false, description, schema });
const listOf = (key: string, schema: string): Json => ({
  description: 'OK',
  content: { 'application/json': { schema: { type: 'object', properties: { [key]: { type: 'array', items: { $ref: `#/components/schemas/${schema}` } } } } } },
});
const ok = (schema: string, description = 'OK'): Json => ({ description, ...(jsonOf(schema) as Record<string, Json>) });
const notFound = errorResponse('not_found');
const names: Json = { type: 'object', required: ['ar', 'fr', 'en'], properties: { ar: { type: 'string' }, fr: { type: 'string' }, en: { type: 'string' } } };
const scopes: Json = { type: 'array', items: { enum: ['openid', 'offline_access', 'profile', 'gender', 'national_id', 'agency_roles'] } };

export const adminArea: OpenApiArea = {
  tags: [{ name: 'admin', description: 'Onboarding agencies and their clients. Bearer token: client credentials with the hawiya:admin scope, of a client with the admin role.' }],
  securitySchemes: {
    adminToken: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/token', scopes: { 'hawiya:admin': 'the admin API' } } } },
  },
  schemas: {
    Agency: {
      type: 'object',
      required: ['code', 'names', 'allowed_scopes'],
      properties: {
        code: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,39}$' },
        names,
        allowed_scopes: { ...(scopes as Record<string, Json>), description: 'what any client of the agency may be registered for; default openid, profile' },
        created_at: { type: 'string', format: 'date-time', readOnly: true },
        updated_at: { type: 'string', format: 'date-time', readOnly: true },
      },
    },
    AgencyUpdate: { type: 'object', properties: { names, allowed_scopes: scopes } },
    ClientMetadata: {
      type: 'object',
      description: 'OpenID Connect Dynamic Client Registration metadata, plus Hawiya\'s own fields (docs/integrating.md)',
      required: ['client_id'],
      additionalProperties: true,
      properties: {
        client_id: { type: 'string' },
        client_secret: { type: 'string', description: 'generated when the authentication method needs one; shown once' },
        hawiya_agency: { type: 'string' },
        redirect_uris: { type: 'array', items: { type: 'string', format: 'uri' } },
        scope: { type: 'string' },
        token_endpoint_auth_method: { enum: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] },
        jwks: { type: 'object' },
        jwks_uri: { type: 'string', format: 'uri' },
        backchannel_logout_uri: { type: 'string', format: 'uri' },
        require_pushed_authorization_requests: { type: 'boolean' },
        require_signed_request_object: { type: 'boolean' },
        dpop_bound_access_tokens: { type: 'boolean' },
        authorization_details_types: { type: 'array', items: { enum: ['payment_initiation', 'credential'] } },
        id_token_encrypted_response_alg: { type: 'string' },
        id_token_encrypted_response_enc: { type: 'string' },
        hawiya_min_acr: { type: 'string' },
        hawiya_sector: { type: 'string' },
        hawiya_fapi: { const: '2.0' },
        hawiya_token_lifetimes: { type: 'object', properties: { access_token: { type: 'integer' }, id_token: { type: 'integer' }, refresh_token: { type: 'integer' } } },
      },
    },
    ClientSecret: { type: 'object', required: ['client_id', 'client_secret'], properties: { client_id: { type: 'string' }, client_secret: { type: 'string' } } },
    InitialAccessToken: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        token: { type: 'string', description: 'only in the answer that issues it' },
        agency_code: { type: 'string' },
        created_by: { type: 'string' },
        created_at: { type: 'string', format: 'date-time' },
        expires_at: { type: 'string', format: 'date-time' },
        revoked_at: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    ResourceServer: {
      type: 'object',
      required: ['identifier', 'agency', 'scopes'],
      properties: {
        identifier: { type: 'string', format: 'uri', description: 'the resource indicator (https), also the audience of its access tokens' },
        agency: { type: 'string' },
        scopes: { type: 'array', items: { type: 'string' } },
        access_token_ttl: { type: 'integer', maximum: 3600 },
      },
    },
    LogoutDelivery: {
      type: 'object',
      properties: {
        id: { type: 'string' }, client_id: { type: 'string' }, sid: { type: ['string', 'null'] },
        reason: { enum: ['rp_logout', 'account_page', 'death'] },
        status: { enum: ['pending', 'delivered', 'abandoned'] },
        attempts: { type: 'integer' }, last_status: { type: ['integer', 'null'] }, last_error: { type: ['string', 'null'] },
        created_at: { type: 'string', format: 'date-time' },
        next_attempt_at: { type: ['string', 'null'], format: 'date-time' },
        delivered_at: { type: ['string', 'null'], format: 'date-time' },
      },
    },
  },
  paths: {
    '/api/admin/agencies': {
      get: operation('List agencies', { 200: listOf('agencies', 'Agency') }),
      post: operation('Add an agency', { 201: ok('Agency', 'Created'), 409: errorResponse('conflict: the code is taken') }, { requestBody: jsonOf('Agency') }),
    },
    '/api/admin/agencies/{code}': {
      parameters: [pathParameter('code', 'the agency code')],
      get: operation('An agency, with its clients\' ids', { 200: ok('Agency'), 404: notFound }),
      patch: operation('Change an agency\'s names or allowed scopes', { 200: ok('Agency'), 404: notFound }, { requestBody: jsonOf('AgencyUpdate') }),
    },
    '/api/admin/agencies/{code}/initial-access-tokens': {
      parameters: [pathParameter('code', 'the agency code')],
      get: operation('The agency\'s initial access tokens (without the tokens)', { 200: listOf('initial_access_tokens', 'InitialAccessToken') }),
      post: operation('Issue an initial access token for dynamic client registration', { 201: ok('InitialAccessToken', 'Created'), 404: notFound }, {
        requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { expires_in: { type: 'integer', maximum: 7776000 } } } } } },
      }),
    },
    '/api/admin/initial-access-tokens/{id}': {
      parameters: [pathParameter('id', 'the token\'s id')],
      delete: operation('Revoke an initial access token', { 204: { description: 'Revoked' }, 404: notFound }),
    },
    '/api/admin/clients': {
      get: operation('List clients, without secrets', { 200: listOf('clients', 'ClientMetadata') }, { parameters: [queryParameter('agency', 'only this agency\'s')] }),
      post: operation('Register a client', { 201: ok('ClientMetadata', 'Created, with the generated secret (shown once)'), 409: errorResponse('conflict: the client_id is taken') }, { requestBody: jsonOf('ClientMetadata') }),
    },
    '/api/admin/clients/{id}': {
      parameters: [pathParameter('id', 'the client_id')],
      get: operation('A client, without its secret', { 200: ok('ClientMetadata'), 404: notFound }),
      put: operation('Replace a client\'s registration (its secret stays)', { 200: ok('ClientMetadata'), 404: notFound }, { requestBody: jsonOf('ClientMetadata') }),
      delete: operation('Remove a client', { 204: { description: 'Removed' }, 404: notFound }),
    },
    '/api/admin/clients/{id}/secret': {
      parameters: [pathParameter('id', 'the client_id')],
      post: operation('A new client secret; the old one stops working', { 200: ok('ClientSecret'), 404: notFound }),
    },
    '/api/admin/resource-servers': {
      get: operation('List resource servers', { 200: listOf('resource_servers', 'ResourceServer') }, { parameters: [queryParameter('agency', 'only this agency\'s')] }),
      post: operation('Add or replace a resource server', { 200: ok('ResourceServer'), 404: notFound }, { requestBody: jsonOf('ResourceServer') }),
    },
    '/api/admin/logout-deliveries': {
      get: operation('Back-channel logout deliveries, newest first', { 200: listOf('logout_deliveries', 'LogoutDelivery') }, {
        parameters: [
          queryParameter('client_id', 'only this client\'s'),
          queryParameter('status', 'only these', { enum: ['pending', 'delivered', 'abandoned'] }),
          queryParameter('limit', 'at most this many (default 100)', { type: 'integer', minimum: 1, maximum: 500 }),
        ],
      }),
    },
  },
};
