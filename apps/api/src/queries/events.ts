import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { EventStatus, StoredEvent } from '../schemas/events';
import { isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

const eventJson = Prisma.sql`json_build_object(
  'seq', e.seq,
  'idempotencyKey', e.idempotency_key,
  'receivedAt', ${isoUtc('e.received_at')},
  'storedAt', ${isoUtc('e.stored_at')},
  'name', e.name,
  'rawName', e.raw_name,
  'sourceId', e.source_id,
  'status', e.status,
  'reason', e.reason,
  'origin', e.origin)`;

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

/** Filters of the global feed. */
export interface EventFeedFilter {
  status?: EventStatus | undefined;
  name?: string | undefined;
  /** Only events about this customer (`""`: about none). */
  sourceId?: string | undefined;
  /** Only events received at or after this ISO instant. */
  receivedFrom?: string | undefined;
  /** Only events received before this ISO instant. */
  receivedBefore?: string | undefined;
  /** Only events stored after this `seq`. */
  afterSeq?: bigint | undefined;
  includeBody: boolean;
}

/**
 * The global feed in insertion (`seq`) order, by status or name through the indexes
 * `events(status, seq)` and `events(name, seq)`. The customer and time filters narrow the scan
 * (an operator's search), they are not indexed paths for following the feed.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listEvents(db: ReadDb, filter: EventFeedFilter, limit: number): Promise<StoredEvent[]> {
  const rows = await db.$queryRaw<EventRow[]>`
    SELECT ${eventJson} AS item, ${bodyColumn(filter.includeBody)} AS raw_body
    FROM events e
    ${whereAll([
      filter.status === undefined ? undefined : Prisma.sql`e.status = ${filter.status}::event_status`,
      filter.name === undefined ? undefined : Prisma.sql`e.name = ${filter.name}`,
      filter.sourceId === undefined ? undefined : Prisma.sql`e.source_id = ${filter.sourceId}`,
      filter.receivedFrom === undefined
        ? undefined
        : Prisma.sql`e.received_at >= ${filter.receivedFrom}::timestamptz`,
      filter.receivedBefore === undefined
        ? undefined
        : Prisma.sql`e.received_at < ${filter.receivedBefore}::timestamptz`,
      filter.afterSeq === undefined ? undefined : Prisma.sql`e.seq > ${filter.afterSeq}`,
    ])}
    ORDER BY e.seq
    LIMIT ${limit + 1}`;
  return rows.map(withBody);
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
