// The signing area's part of the OpenAPI document: the verification API, the CSC API
// subset and what the CA publishes. Merged by web/openapi/index.ts.
import type { Json, OpenApiArea } from './area.ts';
const check = { type: 'string', enum: ['passed', 'failed'] };
const error = {
  description: 'The error, with a code and a description naming the field',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

export const signingSchemas: Record<string, Json> = {
  Error: {
    type: 'object',
    required: ['error', 'error_description'],
    properties: { error: { type: 'string' }, error_description: { type: 'string' }, request_id: { type: 'string' } },
  },
  VerifyRequest: {
    oneOf: [
      {
        type: 'object', title: 'Detached CMS (CAdES-B-B)', required: ['format', 'signature', 'data'],
        properties: {
          format: { const: 'cms' },
          signature: { type: 'string', description: 'The CMS SignedData, DER in base64, or PEM' },
          data: { type: 'string', contentEncoding: 'base64', description: 'The signed data' },
        },
      },
      {
        type: 'object', title: 'JWS (ES256, x5c)', required: ['format', 'signature'],
        properties: {
          format: { const: 'jws' },
          signature: { type: 'string', description: 'Compact serialisation; the payload may be detached' },
          data: { type: 'string', contentEncoding: 'base64', description: 'The payload, when detached' },
        },
      },
      {
        type: 'object', title: 'Signed PDF (PAdES-B-B)', required: ['format', 'document'],
        properties: { format: { const: 'pdf' }, document: { type: 'string', contentEncoding: 'base64' } },
      },
    ],
    discriminator: { propertyName: 'format' },
  },
  VerifyResult: {
    type: 'object',
    required: ['format', 'valid', 'signer', 'signingTime', 'checks'],
    properties: {
      format: { type: 'string', enum: ['cms', 'jws', 'pdf'] },
      valid: { type: 'boolean', description: 'Every check passed' },
      signer: {
        type: ['object', 'null'],
        properties: {
          name: { type: 'string' }, givenName: { type: ['string', 'null'] }, surname: { type: ['string', 'null'] },
          eid: { type: ['string', 'null'], description: 'The e-ID number, from serialNumber PNO<CC>-<e-ID>' },
          serialNumber: { type: ['string', 'null'] }, certificateSerial: { type: 'string' },
        },
      },
      signingTime: { type: ['string', 'null'], format: 'date-time', description: 'As the signature claims it (no time-stamp at B-B); else the time of verification' },
      checks: {
        type: 'object',
        properties: { integrity: check, chain: check, validityAtSigningTime: check, revocation: check, keyUsage: check },
      },
      problem: { type: 'string' },
    },
  },
} as const;

const json = (schema: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });
const cscCall = (summary: string) => ({
  post: {
    tags: ['Remote signing (CSC API v2)'], summary, security: [{ bearer: [] }],
    requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
    responses: { 200: { description: 'As CSC API v2 specifies', content: { 'application/json': { schema: { type: 'object' } } } }, 400: error, 401: error, 403: error },
  },
});
const published = (summary: string, type: string) => ({ get: { tags: ['Signing CA'], summary, responses: { 200: { description: summary, content: { [type]: {} } } } } });

export const signingPaths: Record<string, Record<string, Json>> = {
  '/api/signatures/verify': {
    post: {
      tags: ['Signature verification'],
      summary: 'Verify a signature made with a citizen\'s signing certificate',
      description: 'Checks the signature over its data, the chain to the national root, the certificate\'s validity at the signing time, revocation and keyUsage (nonRepudiation), and names the signer.',
      requestBody: { required: true, ...json('VerifyRequest') },
      responses: { 200: { description: 'The result of each check', ...json('VerifyResult') }, 400: error, 413: error, 503: error },
    },
  },
  '/csc/v2/info': { post: { tags: ['Remote signing (CSC API v2)'], summary: 'The service and what it supports', responses: { 200: { description: 'CSC info' } } } },
  '/csc/v2/credentials/list': cscCall('The signing credentials of the token\'s holder'),
  '/csc/v2/credentials/info': cscCall('A credential: key, certificate, authMode oauth2code, SCAL 2'),
  '/csc/v2/signatures/signHash': cscCall('Sign hashes the holder approved (authorization_details of type credential), once'),
  '/ca/root.crt': published('The root CA certificate (DER)', 'application/pkix-cert'),
  '/ca/issuing.crt': published('The issuing CA certificate (DER)', 'application/pkix-cert'),
  '/ca/root.crl': published('The root CA\'s CRL (DER)', 'application/pkix-crl'),
  '/ca/issuing.crl': published('The issuing CA\'s CRL (DER), signed again at each revocation', 'application/pkix-crl'),
  '/ca/ocsp': { post: { tags: ['Signing CA'], summary: 'OCSP responder (RFC 6960)', requestBody: { content: { 'application/ocsp-request': {} } }, responses: { 200: { description: 'OCSP response', content: { 'application/ocsp-response': {} } } } } },
} as const;

export const signingSecuritySchemes: Record<string, Json> = {
  bearer: { type: 'http', scheme: 'bearer', description: 'An access token of Hawiya; for signHash, one issued for authorization_details of type credential' },
} as const;

export const signingArea: OpenApiArea = {
  tags: [
    { name: 'Signing CA', description: 'The national signing CA: its certificates, CRL and OCSP responder' },
    { name: 'Remote signing (CSC API v2)', description: 'A subset of the Cloud Signature Consortium API v2, each signature approved by the citizen' },
    { name: 'Signature verification', description: 'Checks a CAdES, JWS or PAdES signature against the national signing CA' },
  ],
  paths: signingPaths,
  schemas: signingSchemas,
  securitySchemes: signingSecuritySchemes,
};
