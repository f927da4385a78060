import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { cursorParam, limitParam, toPage } from '../pagination/page';
import { notFound } from '../problem';
import { customerKnown } from '../queries/customers';
import { listCustomerEvents, listEvents } from '../queries/events';
import { EventStatus, StoredEventPage } from '../schemas/events';
import { SourceIdParams } from './customers';

const FEED_LIST = 'events';
const CUSTOMER_EVENTS_LIST = 'customer-events';
const MAX_BIGINT = 2n ** 63n - 1n;
/** A non-negative Postgres bigint as decimal text (a larger one would be a database error). */
const digits = z
  .string()
  .refine(
    (value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT,
    'must be an integer from 0 to 2^63 - 1',
  );
const FeedCursor = z.tuple([digits]);
const ReceiptCursor = z.tuple([digits, plainText]);

const includeBody = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true')
  .describe('Include each raw body (`rawBody`); bodies can be up to a MiB each.');

export const listEventsSpec = defineRoute({
  method: 'get',
  path: '/v1/events',
  operationId: 'listEvents',
  summary: 'The global event feed in storage order, quarantined events (unrecognized, invalid) with reasons',
  tag: 'events',
  params: z.strictObject({}),
  query: z.strictObject({
    status: EventStatus.optional().describe('Only events with this status.'),
    name: textParam.optional().describe('Only events with this canonical name.'),
    after: digits.optional().describe('Only events stored after this `seq` (to follow the feed).'),
    includeBody,
    limit: limitParam,
    cursor: cursorParam,
  }),
  response: StoredEventPage,
  errors: [400],
  auth: true,
});

export const listCustomerEventsSpec = defineRoute({
  method: 'get',
  path: '/v1/customers/{sourceId}/events',
  operationId: 'listCustomerEvents',
  summary: "A customer's stored events in receipt order",
  tag: 'events',
  params: SourceIdParams,
  query: z.strictObject({ includeBody, limit: limitParam, cursor: cursorParam }),
  response: StoredEventPage,
  errors: [400, 404],
  auth: true,
});

/** `/v1/events` and `/v1/customers/{sourceId}/events`. */
export function eventRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(
      listEventsSpec,
      async ({ query }) => {
        const fromCursor =
          query.cursor === undefined
            ? undefined
            : BigInt(decodeCursor(FEED_LIST, FeedCursor, query.cursor)[0]);
        const fromAfter = query.after === undefined ? undefined : BigInt(query.after);
        // `after` is where the caller starts; the cursor is how far it has paged since.
        const afterSeq =
          fromCursor === undefined
            ? fromAfter
            : fromAfter === undefined || fromCursor > fromAfter
              ? fromCursor
              : fromAfter;
        const rows = await listEvents(
          db,
          { status: query.status, name: query.name, afterSeq, includeBody: query.includeBody },
          query.limit,
        );
        return toPage(
          rows,
          query.limit,
          (row) => row,
          (row) => encodeCursor(FEED_LIST, [String(row.seq)]),
        );
      },
      options,
    ),
    jsonRoute(
      listCustomerEventsSpec,
      async ({ params, query }) => {
        const key =
          query.cursor === undefined
            ? undefined
            : decodeCursor(CUSTOMER_EVENTS_LIST, ReceiptCursor, query.cursor);
        const rows = await listCustomerEvents(db, params.sourceId, {
          after: key === undefined ? undefined : { stamp: key[0], idempotencyKey: key[1] },
          limit: query.limit,
          includeBody: query.includeBody,
        });
        if (rows.length === 0 && !(await customerKnown(db, params.sourceId))) {
          throw notFound(`No event has named customer ${JSON.stringify(params.sourceId)}.`);
        }
        return toPage(
          rows,
          query.limit,
          (row) => row.event,
          (row) => encodeCursor(CUSTOMER_EVENTS_LIST, [row.position.stamp, row.position.idempotencyKey]),
        );
      },
      options,
    ),
  ];
}
