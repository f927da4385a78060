import { z } from 'zod';
import type { ApiDeps, ReadDb } from '../deps';
import { instantParam } from '../http/instant-param';
import { MAX_TEXT_LENGTH, plainText, textParam } from '../http/text-param';
import { defineRoute } from '../http/route-spec';
import { jsonRoute, type JsonRoute, type JsonRouteOptions } from '../http/json-route';
import { FEED_DELAY_DESCRIPTION } from '../feed/feed-delay';
import { feedKey, FeedPosition, laterPosition } from '../feed/position';
import { decodeCursor, encodeCursor } from '../pagination/cursor';
import { bigintKey } from '../pagination/cursor-keys';
import { cursorParam, limitParam, toPage, type Page } from '../pagination/page';
import { notFound } from '../problem';
import { customerKnown } from '../queries/customers';
import { listCustomerEvents, listEvents } from '../queries/events';
import { EventStatus, StoredEventPage, type StoredEvent } from '../schemas/events';
import { SourceIdParams } from './customers';

const FEED_LIST = 'events';
const CUSTOMER_EVENTS_LIST = 'customer-events';
const FeedCursor = z.tuple([FeedPosition]);
const ReceiptCursor = z.tuple([bigintKey, plainText]);

/** `includeBody`, shared with `/v1/stream`. */
export /** `includeBody`, shared with `/v1/stream`. */
const includeBody = z
  .enum(['true', 'false'])
  .default('false')
  .transform((value) => value === 'true')
  .describe('Include each raw body (`rawBody`); bodies can be up to a MiB each.');

export const listEventsSpec = defineRoute({
  method: 'get',
  path: '/v1/events',
  operationId: 'listEvents',
  summary: 'The global event feed in position order, quarantined events (unrecognized, invalid) with reasons',
  description:
    'Every stored event once, in `position` order. To follow the feed, pass the `position` of the ' +
    'last event you handled as `after` (and store it once handled): you get every event after it ' +
    'exactly once, in order, whatever the number of workers and the transactions in flight or ' +
    'rolled back. A numeric `seq` is not accepted as `after` (400): stored events are not ' +
    `committed in \`seq\` order. ${FEED_DELAY_DESCRIPTION} \`GET /v1/stream\` is the same feed, live.`,
  tag: 'events',
  params: z.strictObject({}),
  query: z.strictObject({
    status: EventStatus.optional().describe('Only events with this status.'),
    name: textParam.optional().describe('Only events with this canonical name.'),
    sourceId: plainText
      .max(MAX_TEXT_LENGTH)
      .optional()
      .describe('Only events about this customer (`""` for events about none).'),
    receivedFrom: instantParam.optional().describe('Only events received at or after this instant.'),
    receivedBefore: instantParam.optional().describe('Only events received before this instant.'),
    after: FeedPosition.optional().describe(
      'Only events after this `position` (the last one you handled), to follow the feed.',
    ),
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

/** The global feed's filters and page, as `GET /v1/events` takes them. */
export interface EventFeedQuery {
  status?: EventStatus | undefined;
  name?: string | undefined;
  sourceId?: string | undefined;
  receivedFrom?: string | undefined;
  receivedBefore?: string | undefined;
  after?: FeedPosition | undefined;
  includeBody: boolean;
  limit: number;
  cursor?: string | undefined;
}

/**
 * One page of the global feed: what `GET /v1/events` answers and what the console's events
 * explorer shows.
 * @throws HttpProblem 400 for a cursor not of this list.
 */
export async function eventFeedPage(db: ReadDb, query: EventFeedQuery): Promise<Page<StoredEvent>> {
  const fromCursor =
    query.cursor === undefined ? undefined : decodeCursor(FEED_LIST, FeedCursor, query.cursor)[0];
  // `after` is where the caller starts; the cursor is how far it has paged since.
  const after = laterPosition(query.after, fromCursor);
  const rows = await listEvents(
    db,
    {
      status: query.status,
      names: query.name === undefined ? undefined : [query.name],
      sourceId: query.sourceId,
      receivedFrom: query.receivedFrom,
      receivedBefore: query.receivedBefore,
      after: after === undefined ? undefined : feedKey(after),
      includeBody: query.includeBody,
    },
    query.limit,
  );
  return toPage(
    rows,
    query.limit,
    (row) => row,
    (row) => encodeCursor(FEED_LIST, [row.position]),
  );
}

/**
 * One page of a customer's events in receipt order: what `GET /v1/customers/{sourceId}/events`
 * answers and the console's timeline.
 * @throws HttpProblem 404 when no event has named the customer, 400 for a cursor not of this list.
 */
export async function customerEventPage(
  db: ReadDb,
  sourceId: string,
  query: { includeBody: boolean; limit: number; cursor?: string | undefined },
): Promise<Page<StoredEvent>> {
  const key =
    query.cursor === undefined ? undefined : decodeCursor(CUSTOMER_EVENTS_LIST, ReceiptCursor, query.cursor);
  const rows = await listCustomerEvents(db, sourceId, {
    after: key === undefined ? undefined : { stamp: key[0], idempotencyKey: key[1] },
    limit: query.limit,
    includeBody: query.includeBody,
  });
  if (rows.length === 0 && !(await customerKnown(db, sourceId))) {
    throw notFound(`No event has named customer ${JSON.stringify(sourceId)}.`);
  }
  return toPage(
    rows,
    query.limit,
    (row) => row.event,
    (row) => encodeCursor(CUSTOMER_EVENTS_LIST, [row.position.stamp, row.position.idempotencyKey]),
  );
}

/** `/v1/events` and `/v1/customers/{sourceId}/events`. */
export function eventRoutes(deps: ApiDeps, options: JsonRouteOptions): JsonRoute[] {
  const db = deps.prisma;
  return [
    jsonRoute(listEventsSpec, ({ query }) => eventFeedPage(db, query), options),
    jsonRoute(
      listCustomerEventsSpec,
      ({ params, query }) => customerEventPage(db, params.sourceId, query),
      options,
    ),
  ];
}
