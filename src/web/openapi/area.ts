// One area of the HTTP API, as a fragment of an OpenAPI 3.1 document. Each area of
// Hawiya (admin, enrolment, …) describes its own paths in its own file; index.ts merges them.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface OpenApiArea {
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, Json>>;
  schemas?: Record<string, Json>;
  securitySchemes?: Record<string, Json>;
}

// A JSON body of a schema in components.
export const jsonOf = (schema: string): Json => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });

// The error body every API answers with (web/error-handler.ts).
export const errorResponse = (description: string): Json => ({ description, ...(jsonOf('Error') as Record<string, Json>) });
