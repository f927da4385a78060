import { z } from 'zod';
import type { RouteSpec } from '../http/route-spec';
import { RATE_LIMIT_EXEMPT_PATHS } from '../middleware/rate-limit';
import { apiSchemas } from '../schemas/registry';
import '../schemas/common';

/** A JSON Schema object as `z.toJSONSchema` produces it. */
type JsonSchema = Record<string, unknown>;

/** The OpenAPI 3.1 document (typed loosely: it is only ever serialized or read by tests). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
  tags: { name: string }[];
}

const ref = (id: string) => `#/components/schemas/${id}`;

/** The `id` a response schema was registered under (every response schema must have one). */
function schemaId(schema: z.ZodType): string {
  const id = apiSchemas.get(schema)?.id;
  if (id === undefined) throw new Error('A response schema is not registered in apiSchemas (use named()).');
  return id;
}

/** A component without the per-document keys that `z.toJSONSchema` adds to each. */
function asComponent(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** One OpenAPI parameter per key of a params or query object schema. */
function parameters(where: 'path' | 'query', schema: z.ZodObject): unknown[] {
  return Object.entries(schema.shape as Record<string, z.ZodType>).map(([name, field]) => {
    const json = asComponent(z.toJSONSchema(field, { io: 'input' }));
    const { description, ...fieldSchema } = json;
    return {
      name,
      in: where,
      required: where === 'path' || !field.safeParse(undefined).success,
      ...(typeof description === 'string' && { description }),
      schema: fieldSchema,
    };
  });
}

/** The query parameters of a schema, as OpenAPI parameters (for routes written by hand). */
export function queryParameters(schema: z.ZodObject): unknown[] {
  return parameters('query', schema);
}

/** A response header every answer of that status carries. */
export interface DocumentedHeader {
  description: string;
  schema: Record<string, unknown>;
}

/** `Retry-After` in seconds, on 429 and 503. */
export const RETRY_AFTER: Record<string, DocumentedHeader> = {
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
  },
};

/** A problem+json response with this description (and these headers, always sent). */
export const problemResponse = (description: string, headers?: Record<string, DocumentedHeader>) => ({
  description,
  ...(headers !== undefined && {
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, header]) => [name, { ...header, required: true }]),
    ),
  }),
  content: { 'application/problem+json': { schema: { $ref: ref('Problem') } } },
});

/**
 * The answers any operation may give besides its own: 429 from the rate limit (every path but
 * the probes), and a `default` for what no document lists one by one (a 5xx, a 431 or 408 of
 * the HTTP server). Shared with the path items written by hand (the stream).
 */
export function commonResponses(path: string): Record<string, unknown> {
  return {
    ...(!RATE_LIMIT_EXEMPT_PATHS.includes(path) && {
      429: problemResponse(
        'Too many requests from this client address in the current minute (`API_RATE_LIMIT_PER_MINUTE`).',
        RETRY_AFTER,
      ),
    }),
    default: problemResponse('Any other error, as a problem document.'),
  };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A parameter is invalid (`issues` says which and why).',
  401: 'The API token is missing or wrong.',
  404: 'Never seen (no event has named it).',
};

/** 503: the probe's own meaning, or a database too busy to answer in time. */
function unavailable(spec: RouteSpec) {
  return spec.auth
    ? problemResponse(
        'The database could not answer in time (busy, or a lock is held); retry after `Retry-After` seconds.',
        RETRY_AFTER,
      )
    : problemResponse('Not ready.');
}

function operation(spec: RouteSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: { $ref: ref(schemaId(spec.response)) } } },
    },
  };
  for (const status of spec.auth ? [...spec.errors, 401] : spec.errors) {
    responses[status] =
      status === 503 ? unavailable(spec) : problemResponse(ERROR_DESCRIPTIONS[status] ?? 'Error');
  }
  // Every route that reads the database may find it busy (middleware/errors.ts).
  if (spec.auth) responses[503] = unavailable(spec);
  Object.assign(responses, commonResponses(spec.path));
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description !== undefined && { description: spec.description }),
    tags: [spec.tag],
    parameters: [...parameters('path', spec.params), ...parameters('query', spec.query)],
    responses,
    ...(spec.auth ? {} : { security: [] }),
  };
}

/**
 * The OpenAPI 3.1 document of the API, generated from the route specs: the same zod schemas
 * that validate parameters at run time and answers in the tests. OpenAPI 3.1 uses JSON Schema
 * 2020-12, which is what `z.toJSONSchema` writes, so the schemas go in unchanged.
 */
export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  /** Path items of routes that are not JSON routes (the stream), written by hand. */
  extraPaths: Record<string, Record<string, unknown>> = {},
): OpenApiDocument {
  const components = z.toJSONSchema(apiSchemas, { uri: ref }).schemas as Record<string, JsonSchema>;
  const paths: OpenApiDocument['paths'] = {};
  for (const spec of routes) {
    paths[spec.path] = { ...paths[spec.path], [spec.method]: operation(spec) };
  }
  Object.assign(paths, extraPaths);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rehook Mirror internal API',
      version: '1.0.0',
      description:
        'Read models of the Rehook Mirror (customers, wallets, coupons, referrals, leaderboards, ' +
        'segments, pending webhook rewards) and the event store. Every route but the health probes ' +
        'needs `Authorization: Bearer <API_TOKEN>` (HTTP basic auth with the token as password works too). ' +
        'Lists are paged: pass `nextCursor` back as `cursor`.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(components).map(([id, schema]) => [id, asComponent(schema)]),
      ),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The API_TOKEN.' },
        basicAuth: {
          type: 'http',
          scheme: 'basic',
          description: 'Any user name, the API_TOKEN as password.',
        },
      },
    },
    security: [{ bearerAuth: [] }, { basicAuth: [] }],
  };
}
