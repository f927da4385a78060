import type { RequestHandler } from 'express';
import type { z } from 'zod';
import { JsonText } from './json-text';
import { parseRequestPart } from './parse-request';
import type { RouteSpec } from './route-spec';

/** What a route handler receives: its validated parameters. */
export interface RouteInput<P extends z.ZodObject, Q extends z.ZodObject> {
  params: z.output<P>;
  query: z.output<Q>;
}

/** A route: its spec and the function that computes its 200 body. */
export interface JsonRoute<P extends z.ZodObject = z.ZodObject, Q extends z.ZodObject = z.ZodObject> {
  spec: RouteSpec<P, Q>;
  handler: RequestHandler;
}

/** Options that apply to every JSON route of an app. */
export interface JsonRouteOptions {
  /**
   * Check each answer against its response schema before sending it (tests and development);
   * a mismatch is then a 500 instead of a silently wrong document.
   */
  validateResponses: boolean;
}

/**
 * Turns a spec and a handler into an express handler: parameters are validated (400 on
 * anything wrong) and the result is sent as JSON. Errors go to the app's error middleware
 * (express 5 forwards rejected promises).
 */
export function jsonRoute<P extends z.ZodObject, Q extends z.ZodObject, R extends z.ZodType>(
  spec: RouteSpec<P, Q, R>,
  handler: (input: RouteInput<P, Q>) => Promise<z.input<R> | JsonText>,
  options: JsonRouteOptions,
): JsonRoute<P, Q> {
  const express: RequestHandler = async (req, res) => {
    const params = parseRequestPart('params', spec.params, req.params);
    const query = parseRequestPart('query', spec.query, req.query);
    const body = await handler({ params, query });
    if (body instanceof JsonText) {
      // What is validated is exactly the text that is sent.
      if (options.validateResponses) spec.response.parse(JSON.parse(body.text));
      res.status(200).type('application/json').send(body.text);
      return;
    }
    res.status(200).json(options.validateResponses ? spec.response.parse(body) : body);
  };
  return { spec, handler: express };
}
