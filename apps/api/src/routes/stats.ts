import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { Stats } from '../schemas/stats';
import { collectStats } from '../use-cases/collect-stats';

export const getStatsSpec = defineRoute({
  method: 'get',
  path: '/v1/stats',
  operationId: 'getStats',
  summary: 'Events by name and status, queue depth, failed jobs and projection lag',
  tag: 'operations',
  params: z.strictObject({}),
  query: z.strictObject({}),
  response: Stats,
  errors: [400],
  auth: true,
});

/** `/v1/stats`. */
export function statsRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const now = deps.now ?? (() => new Date());
  return [
    jsonRoute(getStatsSpec, () => collectStats({ db: deps.prisma, queue: deps.queue, now: now() }), options),
  ];
}
