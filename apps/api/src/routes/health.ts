import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { HttpProblem } from '../problem';
import { Health, Readiness } from '../schemas/health';

export const healthzSpec = defineRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthz',
  summary: 'Liveness: the process answers (no token needed)',
  tag: 'operations',
  params: z.strictObject({}),
  query: z.strictObject({}),
  response: Health,
  errors: [],
  auth: false,
});

export const readyzSpec = defineRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  summary: 'Readiness: Postgres answers (no token needed); 503 otherwise',
  tag: 'operations',
  params: z.strictObject({}),
  query: z.strictObject({}),
  response: Readiness,
  errors: [503],
  auth: false,
});

/**
 * `/healthz` and `/readyz`, the only routes without a token. Readiness needs Postgres only:
 * every read and the fulfilment go to Postgres, while Redis serves just the stats' queue part
 * and the dashboard, which degrade on their own.
 */
export function healthRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  return [
    jsonRoute(healthzSpec, () => Promise.resolve({ status: 'ok' as const }), options),
    jsonRoute(
      readyzSpec,
      async () => {
        try {
          await deps.prisma.$queryRaw`SELECT 1`;
        } catch {
          throw new HttpProblem(503, 'Postgres is not reachable.');
        }
        return { status: 'ready' as const };
      },
      options,
    ),
  ];
}
