// The registration API (web/api/registration-api.ts) in OpenAPI 3.1: its paths and the
// schemas they use. JSON Schema 2020-12, as OpenAPI 3.1 takes it.
import type { Json, OpenApiArea } from './area.ts';

export const registrationSchemas: Record<string, Json> = {
  Registration: {
    type: 'object',
    required: ['civilNumber', 'givenName', 'familyName', 'birthDate', 'officeCode'],
    description: 'What a citizen gives to register. An email or a phone number (or both) is required.',
    properties: {
      civilNumber: { type: 'string', pattern: '^\\d{10}$', description: 'The civil registry number: 10 digits, the last a Luhn check digit.' },
      givenName: { type: 'string', minLength: 1, maxLength: 100 },
      familyName: { type: 'string', minLength: 1, maxLength: 100 },
      birthDate: { type: 'string', format: 'date' },
      email: { type: 'string', format: 'email', maxLength: 254 },
      phone: { type: 'string', pattern: '^\\+?[0-9 ]{8,20}$' },
      officeCode: { type: 'string', maxLength: 16, description: 'The office where the citizen will show their identity document (GET /api/offices).' },
      usernameAlias: { type: 'string', pattern: '^[a-z][a-z0-9._-]{3,31}$', description: 'A username instead of the e-ID number.' },
      locale: { type: 'string', enum: ['ar', 'fr', 'en'], description: 'The language of notices; defaults to the request\'s Accept-Language.' },
    },
    additionalProperties: false,
  },
  Application: {
    type: 'object',
    required: ['reference', 'state', 'officeCode', 'expiresAt'],
    properties: {
      reference: { type: 'string', pattern: '^[0-9A-HJKMNP-TV-Z]{9}$', description: 'Nine Crockford base-32 symbols, the last a check symbol; shown as three groups of three.' },
      state: { $ref: '#/components/schemas/ApplicationState' },
      officeCode: { type: 'string' },
      expiresAt: { type: 'string', format: 'date-time' },
    },
  },
  ApplicationStatus: {
    allOf: [{ $ref: '#/components/schemas/Application' }, {
      type: 'object', required: ['decidedAt'], properties: { decidedAt: { type: ['string', 'null'], format: 'date-time' } },
    }],
  },
  ApplicationState: { type: 'string', enum: ['awaiting_override', 'awaiting_verification', 'activated', 'rejected', 'expired'] },
  StatusQuery: {
    type: 'object',
    required: ['reference', 'birthDate'],
    properties: { reference: { type: 'string', maxLength: 32 }, birthDate: { type: 'string', format: 'date' } },
  },
  Office: {
    type: 'object',
    required: ['code', 'kind', 'region', 'names'],
    properties: {
      code: { type: 'string' },
      kind: { type: 'string', enum: ['post', 'interior'] },
      region: { type: 'string' },
      names: {
        type: 'object', required: ['ar', 'fr', 'en'],
        properties: { ar: { type: 'string' }, fr: { type: 'string' }, en: { type: 'string' } },
      },
    },
  },
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: {
      error: { type: 'string', description: 'A stable code to switch on.' },
      message: { type: 'string', description: 'A sentence for the person, in the request\'s language.' },
      fields: {
        type: 'object',
        description: 'For invalid_form: each field in error, with a message key and its sentence.',
        additionalProperties: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  },
};

const json = (schema: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } });
const error = (description: string) => ({ description, content: json('Error') });
const limited = {
  description: 'Too many submissions from this address; try again after Retry-After seconds.',
  headers: { 'Retry-After': { schema: { type: 'integer' } } },
  content: json('Error'),
};

export const registrationPaths: Record<string, Record<string, Json>> = {
  '/api/offices': {
    get: {
      operationId: 'listOffices',
      summary: 'The offices where a citizen can be verified, with their names in Arabic, French and English',
      tags: ['registration'],
      responses: {
        200: {
          description: 'Open offices, by region',
          content: { 'application/json': { schema: { type: 'object', required: ['offices'], properties: { offices: { type: 'array', items: { $ref: '#/components/schemas/Office' } } } } } },
        },
      },
    },
  },
  '/api/registrations': {
    post: {
      operationId: 'submitRegistration',
      summary: 'Register for a national e-ID: the details are matched against the civil registry',
      tags: ['registration'],
      requestBody: { required: true, content: json('Registration') },
      responses: {
        201: { description: 'The application, waiting for the citizen\'s visit to the office', content: json('Application') },
        400: error('A field is missing or malformed (invalid_form, with fields), or the body is not a JSON object (bad_request)'),
        409: error('The person already has an application in progress (application_exists)'),
        415: error('The body is not application/json'),
        422: error('The details do not match the civil registry, or the number is unknown: one answer for both (registration_not_matched)'),
        429: limited,
      },
    },
  },
  '/api/registrations/status': {
    post: {
      operationId: 'registrationStatus',
      summary: 'Where an application stands, given its reference and the birth date',
      tags: ['registration'],
      requestBody: { required: true, content: json('StatusQuery') },
      responses: {
        200: { description: 'The application', content: json('ApplicationStatus') },
        400: error('A field is missing or malformed'),
        404: error('No application has this reference and birth date: one answer for every way it can be wrong'),
        429: limited,
      },
    },
  },
};

export const registrationArea: OpenApiArea = {
  tags: [{ name: 'registration', description: 'Online registration for a national e-ID, matched against the civil registry' }],
  paths: registrationPaths,
  schemas: registrationSchemas,
};
