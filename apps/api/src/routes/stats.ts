import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { positiveIntegerParam } from '../http/integer-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { eventsPerMinute } from '../queries/stats';
import { EventsPerMinute, Stats } from '../schemas/stats';
import { collectStats } from '@mirror/stats';

/** Longest window of `/v1/stats/events-per-minute`: a day. */
const MAX_WINDOW_MINUTES = 24 * 60;

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

export const getEventsPerMinuteSpec = defineRoute({
  method: 'get',
  path: '/v1/stats/events-per-minute',
  operationId: 'getEventsPerMinute',
  summary: 'Stored events per minute of receipt and name, over the last minutes',
  tag: 'operations',
  params: z.strictObject({}),
  query: z.strictObject({
    minutes: positiveIntegerParam({
      max: MAX_WINDOW_MINUTES,
      default: 60,
      description: `Length of the window, 1 to ${MAX_WINDOW_MINUTES} minutes (plain decimal).`,
    }),
  }),
  response: EventsPerMinute,
  errors: [400],
  auth: true,
});

/** `/v1/stats` and `/v1/stats/events-per-minute`. */
export function statsRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const now = deps.now ?? (() => new Date());
  return [
    jsonRoute(getStatsSpec, () => collectStats({ db: deps.prisma, queue: deps.queue, now: now() }), options),
    jsonRoute(
      getEventsPerMinuteSpec,
      ({ query }) => eventsPerMinute(deps.prisma, new Date(now().getTime() - query.minutes * 60_000)),
      options,
    ),
  ];
}
