import { z } from 'zod';
import type { RouteSpec } from '../http/route-spec';
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

/** A problem+json response with this description. */
export const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: ref('Problem') } } },
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A parameter is invalid (`issues` says which and why).',
  401: 'The API token is missing or wrong.',
  404: 'Never seen (no event has named it).',
  503: 'Not ready.',
};

function operation(spec: RouteSpec): Record<string, unknown> {
  const responses: Record<string, unknown> = {
    200: {
      description: 'OK',
      content: { 'application/json': { schema: { $ref: ref(schemaId(spec.response)) } } },
    },
  };
  for (const status of spec.auth ? [...spec.errors, 401] : spec.errors) {
    responses[status] = problemResponse(ERROR_DESCRIPTIONS[status] ?? 'Error');
  }
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
