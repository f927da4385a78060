import type { SqlClient } from './sql-client';
import type { EventOrigin, EventStatus, ReceiptPosition, StoredEvent } from './stored-event';

interface EventRecord {
  seq: bigint;
  idempotency_key: string;
  receipt_stamp: bigint;
  received_at: Date;
  name: string | null;
  raw_name: string | null;
  source_id: string;
  status: EventStatus;
  reason: string | null;
  raw_body: string;
  origin: EventOrigin;
}

const COLUMNS = `seq, idempotency_key, receipt_stamp, received_at, name, raw_name, source_id,
  status::text AS status, reason, raw_body, origin::text AS origin`;

/**
 * Up to `limit` events in receipt order (receipt stamp, then idempotency key) strictly after
 * `after`, or from the start when `after` is null. Keyset pagination over the
 * `(receipt_stamp, idempotency_key)` index: each page costs the same however far in it is.
 */
export async function readEventsInReceiptOrder(
  db: SqlClient,
  after: ReceiptPosition | null,
  limit: number,
): Promise<StoredEvent[]> {
  const records =
    after === null
      ? await db.$queryRawUnsafe<EventRecord[]>(
          `SELECT ${COLUMNS} FROM events ORDER BY receipt_stamp, idempotency_key LIMIT $1::int`,
          String(limit),
        )
      : await db.$queryRawUnsafe<EventRecord[]>(
          `SELECT ${COLUMNS} FROM events
           WHERE (receipt_stamp, idempotency_key) > ($1::bigint, $2::text)
           ORDER BY receipt_stamp, idempotency_key LIMIT $3::int`,
          after.receiptStamp.toString(),
          after.idempotencyKey,
          String(limit),
        );
  return records.map(storedEvent);
}

function storedEvent(r: EventRecord): StoredEvent {
  return {
    seq: r.seq,
    idempotencyKey: r.idempotency_key,
    receiptStamp: r.receipt_stamp,
    receivedAt: r.received_at,
    name: r.name,
    rawName: r.raw_name,
    sourceId: r.source_id,
    status: r.status,
    reason: r.reason,
    rawBody: r.raw_body,
    origin: r.origin,
  };
}

/**
 * Every event in receipt order, `batchSize` at a time (the rebuild's input).
 */
export async function* eventBatchesInReceiptOrder(
  db: SqlClient,
  batchSize: number,
): AsyncGenerator<StoredEvent[], void, undefined> {
  let after: ReceiptPosition | null = null;
  for (;;) {
    const batch = await readEventsInReceiptOrder(db, after, batchSize);
    if (batch.length === 0) return;
    yield batch;
    const last = batch[batch.length - 1] as StoredEvent;
    after = { receiptStamp: last.receiptStamp, idempotencyKey: last.idempotencyKey };
    if (batch.length < batchSize) return;
  }
}

/** A range of insertion order: the events with `after < seq <= upTo`. */
export interface SeqRange {
  after: bigint;
  upTo: bigint;
}

/**
 * The events of a range of `seq`, `batchSize` at a time, in insertion order (keyset pagination
 * over the primary key). A rebuild reads the store this way: the range's upper end is a settled
 * `seq`, so events appended meanwhile are left for a later range, and merges that do not care
 * about order make insertion order as good as receipt order.
 */
export async function* eventBatchesInSeqRange(
  db: SqlClient,
  range: SeqRange,
  batchSize: number,
): AsyncGenerator<StoredEvent[], void, undefined> {
  let after = range.after;
  while (after < range.upTo) {
    const records = await db.$queryRawUnsafe<EventRecord[]>(
      `SELECT ${COLUMNS} FROM events WHERE seq > $1::bigint AND seq <= $2::bigint ORDER BY seq LIMIT $3::int`,
      after.toString(),
      range.upTo.toString(),
      String(batchSize),
    );
    if (records.length === 0) return;
    yield records.map(storedEvent);
    after = (records[records.length - 1] as EventRecord).seq;
    if (records.length < batchSize) return;
  }
}

/** How many events the store holds (exact; a sequential scan, fine for a rebuild's progress bar). */
export async function countEvents(db: SqlClient): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ count: bigint }[]>('SELECT count(*) AS count FROM events');
  return Number(row?.count ?? 0);
}
