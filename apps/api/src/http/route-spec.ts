import type { z } from 'zod';

/** The error statuses a route may answer besides 200 (documented in OpenAPI). */
export type ErrorStatus = 400 | 401 | 404 | 503;

/**
 * Everything known about a JSON route before it runs: the express handler is registered from
 * it, its parameters are validated with it, and the OpenAPI document is generated from it.
 * One declaration, so the document cannot drift from what the route does.
 */
export interface RouteSpec<
  P extends z.ZodObject = z.ZodObject,
  Q extends z.ZodObject = z.ZodObject,
  R extends z.ZodType = z.ZodType,
> {
  method: 'get' | 'post';
  /** OpenAPI path template: `/v1/customers/{sourceId}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Path parameters (all strings, URL-decoded by express). */
  params: P;
  query: Q;
  /** The 200 body; also what the tests validate answers against. */
  response: R;
  /** Error statuses besides 401 (which every authenticated route may answer). */
  errors: readonly ErrorStatus[];
  /** False for the health probes only. */
  auth: boolean;
}

/** Declares a route (an identity function that keeps the schemas' types). */
export function defineRoute<P extends z.ZodObject, Q extends z.ZodObject, R extends z.ZodType>(
  spec: RouteSpec<P, Q, R>,
): RouteSpec<P, Q, R> {
  return spec;
}

/** `/v1/customers/{sourceId}` → `/v1/customers/:sourceId` (express 5 path syntax). */
export function expressPath(openApiPath: string): string {
  return openApiPath.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}
