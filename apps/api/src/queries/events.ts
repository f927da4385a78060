import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { FeedKey, FeedPosition } from '../feed/position';
import type { EventStatus, StoredEvent } from '../schemas/events';
import { isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

/** The feed position of `events e` (see `FeedPosition`): tx_id then seq, 16 hex digits each. */
const position = Prisma.sql`lpad(to_hex(e.tx_id), 16, '0') || lpad(to_hex(e.seq), 16, '0')`;

/**
 * Only events whose position is final: stored by a transaction below the feed's horizon (the
 * migration's `mirror_feed_horizon()`: the oldest transaction of this database still running,
 * or the snapshot's end). A transaction's id is taken before it writes, so every transaction
 * below the horizon has ended, committed or not: no event can appear below it any more. A
 * follower that reads up to here and resumes after the last position it saw misses nothing.
 * The horizon comes from the statement's own snapshot, so what it sees and the horizon agree.
 */
const isFinal = Prisma.sql`e.tx_id < (SELECT mirror_feed_horizon())`;

/**
 * How many deliveries were recognised as the event `alias` (index `deliveries(event_key)`): at
 * least 1, the one it was stored from, even for an event whose delivery rows are not there yet
 * (the worker records deliveries just after the event).
 */
function deliveriesOf(alias: string): Prisma.Sql {
  return Prisma.raw(
    `GREATEST(1, (SELECT count(*) FROM deliveries d WHERE d.event_key = ${alias}.idempotency_key))::int`,
  );
}

/** Why the event `alias` was identified by content although its type declares an occurrence key. */
function identityNoteOf(alias: string): Prisma.Sql {
  return Prisma.raw(
    `(SELECT d.note FROM deliveries d WHERE d.event_key = ${alias}.idempotency_key AND d.rule = 'first' LIMIT 1)`,
  );
}

const eventJson = Prisma.sql`json_build_object(
  'position', ${position},
  'seq', e.seq,
  'idempotencyKey', e.idempotency_key,
  'receivedAt', ${isoUtc('e.received_at')},
  'storedAt', ${isoUtc('e.stored_at')},
  'name', e.name,
  'rawName', e.raw_name,
  'sourceId', e.source_id,
  'status', e.status,
  'reason', e.reason,
  'origin', e.origin,
  'deliveries', ${deliveriesOf('e')},
  'identityNote', ${identityNoteOf('e')})`;

/** The raw body column, or NULL when the caller did not ask for bodies. */
function bodyColumn(include: boolean): Prisma.Sql {
  return include ? Prisma.sql`e.raw_body` : Prisma.sql`NULL::text`;
}

interface EventRow {
  item: StoredEvent;
  raw_body: string | null;
}

/** The row with its body attached when asked for (bodies can be up to a MiB each). */
function withBody(row: EventRow): StoredEvent {
  return row.raw_body === null ? row.item : { ...row.item, rawBody: row.raw_body };
}

/** Filters of the global feed (`/v1/events` and `/v1/stream` alike). */
export interface EventFeedFilter {
  status?: EventStatus | undefined;
  /** Only events with one of these canonical names (none: any name). */
  names?: readonly string[] | undefined;
  /** Only events about this customer (`""`: about none). */
  sourceId?: string | undefined;
  /** Only events received at or after this ISO instant. */
  receivedFrom?: string | undefined;
  /** Only events received before this ISO instant. */
  receivedBefore?: string | undefined;
  /** Only events after this position. */
  after?: FeedKey | undefined;
  includeBody: boolean;
}

/** The global feed's page query: up to `limit + 1` final events after `filter.after`, in position order. */
function feedPage(filter: EventFeedFilter, limit: number): Prisma.Sql {
  const { names, after } = filter;
  return Prisma.sql`
    SELECT ${eventJson} AS item, ${bodyColumn(filter.includeBody)} AS raw_body
    FROM events e
    ${whereAll([
      isFinal,
      filter.status === undefined ? undefined : Prisma.sql`e.status = ${filter.status}::event_status`,
      names === undefined || names.length === 0
        ? undefined
        : names.length === 1
          ? Prisma.sql`e.name = ${names[0]}`
          : Prisma.sql`e.name IN (${Prisma.join(names)})`,
      filter.sourceId === undefined ? undefined : Prisma.sql`e.source_id = ${filter.sourceId}`,
      filter.receivedFrom === undefined
        ? undefined
        : Prisma.sql`e.received_at >= ${filter.receivedFrom}::timestamptz`,
      filter.receivedBefore === undefined
        ? undefined
        : Prisma.sql`e.received_at < ${filter.receivedBefore}::timestamptz`,
      after === undefined
        ? undefined
        : Prisma.sql`(e.tx_id, e.seq) > (${after.txId}::bigint, ${after.seq}::bigint)`,
    ])}
    ORDER BY e.tx_id, e.seq
    LIMIT ${limit + 1}`;
}

/**
 * The global feed: final events in position order, through the index `events(tx_id, seq)`, or
 * `events(status, tx_id, seq)` / `events(name, tx_id, seq)` when filtered by one status or name.
 * `/v1/events` and every `/v1/stream` client read through this one query. The customer and time
 * filters narrow the scan (an operator's search), they are not indexed paths for following it.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listEvents(db: ReadDb, filter: EventFeedFilter, limit: number): Promise<StoredEvent[]> {
  const rows = await db.$queryRaw<EventRow[]>(feedPage(filter, limit));
  return rows.map(withBody);
}

/** A read of the feed, with what its statement knew about finality. */
export interface FeedRead {
  /** As {@link listEvents}: up to `limit + 1` final events after `after`, in position order. */
  events: StoredEvent[];
  /**
   * A position every event at or below which was final when read: the last one below the
   * statement's horizon. When the page is short, a reader has seen every matching event up
   * to here, not only up to the last event returned.
   */
  finalUpTo: FeedPosition;
  /** Whether some committed event was not final yet (an older transaction was still running). */
  waiting: boolean;
}

/**
 * {@link listEvents}, with the horizon it used and whether events wait behind it, all from one
 * statement: the same snapshot and the same horizon (computed once: the planner would otherwise
 * inline the function into a filter and run it for every row of a sequential scan). Whether
 * events wait is the last visible event's `tx_id` against the horizon, read at the end of the
 * index `events(tx_id, seq)` whatever the table's statistics (an `EXISTS` over `tx_id >=` was
 * planned as a sequential scan of the whole table while it had none). The stream hub and catching-up streams
 * read through this. Asked in statements of their own, the answers could disagree with the
 * page: the horizon of a later snapshot can even be lower (a transaction of another database
 * that ends in between is no longer seen to be another database's), so an event could be
 * taken as seen, or as not waiting, when the page did not have it.
 */
export async function readFeed(db: ReadDb, filter: EventFeedFilter, limit: number): Promise<FeedRead> {
  const rows = await db.$queryRaw<
    { item: StoredEvent | null; raw_body: string | null; final_up_to: FeedPosition; waiting: boolean }[]
  >`
    WITH horizon AS MATERIALIZED (SELECT mirror_feed_horizon() AS h)
    SELECT page.item, page.raw_body, w.final_up_to, w.waiting
    FROM (
      SELECT lpad(to_hex((SELECT h FROM horizon) - 1), 16, '0') || '7fffffffffffffff' AS final_up_to,
        coalesce((SELECT max(e.tx_id) FROM events e) >= (SELECT h FROM horizon), false) AS waiting
    ) w
    LEFT JOIN LATERAL (${feedPage(filter, limit)}) page ON true`;
  const [first] = rows;
  if (first === undefined) throw new Error('the feed read returned no row');
  return {
    events: rows.flatMap((row) =>
      row.item === null ? [] : [withBody({ item: row.item, raw_body: row.raw_body })],
    ),
    finalUpTo: first.final_up_to,
    waiting: first.waiting,
  };
}

/** Where a page of a customer's events starts (receipt order: stamp, then idempotency key). */
export interface ReceiptCursorKey {
  /** Receipt stamp as a decimal string (internal; only ever inside an opaque cursor). */
  stamp: string;
  idempotencyKey: string;
}

/**
 * A customer's events in receipt order (index `events(source_id, receipt_stamp)`).
 * @returns up to `limit + 1` events with the receipt position of each, for the cursor.
 */
export async function listCustomerEvents(
  db: ReadDb,
  sourceId: string,
  page: { after?: ReceiptCursorKey | undefined; limit: number; includeBody: boolean },
): Promise<{ event: StoredEvent; position: ReceiptCursorKey }[]> {
  const after = page.after;
  const rows = await db.$queryRaw<(EventRow & { stamp: string })[]>`
    SELECT ${eventJson} AS item, ${bodyColumn(page.includeBody)} AS raw_body,
      e.receipt_stamp::text AS stamp
    FROM events e
    ${whereAll([
      Prisma.sql`e.source_id = ${sourceId}`,
      after === undefined
        ? undefined
        : Prisma.sql`(e.receipt_stamp, e.idempotency_key)
            > (${after.stamp}::bigint, ${after.idempotencyKey})`,
    ])}
    ORDER BY e.receipt_stamp, e.idempotency_key
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => ({
    event: withBody(row),
    position: { stamp: row.stamp, idempotencyKey: row.item.idempotencyKey },
  }));
}

/** The position of the last final event (undefined while the store has none): where a new reader starts live. */
export async function lastFinalPosition(db: ReadDb): Promise<FeedPosition | undefined> {
  const rows = await db.$queryRaw<{ position: FeedPosition }[]>`
    SELECT ${position} AS position FROM events e WHERE ${isFinal}
    ORDER BY e.tx_id DESC, e.seq DESC LIMIT 1`;
  return rows[0]?.position;
}
