import type { SqlClient } from './sql-client';
import { jsonRecordset, type RecordsetColumn, type SqlParams, SqlParams as Params } from './sql-params';
import { storableText } from './storable-text';
import type { NewEvent } from './stored-event';

const text = (value: string | null) => (value === null ? null : storableText(value));

const COLUMNS: readonly RecordsetColumn[] = [
  { name: 'idempotency_key', type: 'text' },
  { name: 'receipt_stamp', type: 'bigint' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'name', type: 'text' },
  { name: 'raw_name', type: 'text' },
  { name: 'source_id', type: 'text' },
  { name: 'status', type: 'event_status' },
  { name: 'reason', type: 'text' },
  { name: 'raw_body', type: 'text' },
  { name: 'origin', type: 'event_origin' },
];

/**
 * The statement that appends `events` idempotently:
 * `INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING idempotency_key`, so it returns
 * exactly the keys that were new. A concurrent append of the same key waits for the other
 * transaction and then returns nothing, which is what makes "project only what is new" safe.
 *
 * Rows are written in idempotency-key order, so concurrent appends lock keys in the same order.
 * Text is made storable (see {@link storableText}); the caller passes distinct keys.
 *
 * @param from - an extra `FROM` item joined to every row, e.g. a CTE that takes a lock first.
 */
export function appendEventsStatement(params: SqlParams, events: readonly NewEvent[], from?: string): string {
  const rows = [...events].sort((a, b) => (a.idempotencyKey < b.idempotencyKey ? -1 : 1));
  const select = jsonRecordset(
    params,
    COLUMNS,
    rows.map((e) => ({
      idempotency_key: text(e.idempotencyKey),
      receipt_stamp: e.receiptStamp.toString(),
      received_at: e.receivedAt.toISOString(),
      name: text(e.name),
      raw_name: text(e.rawName),
      source_id: text(e.sourceId),
      status: e.status,
      reason: text(e.reason),
      raw_body: text(e.rawBody),
      origin: e.origin,
    })),
  );
  const source = from === undefined ? `(${select}) AS e` : `(${select}) AS e, ${from}`;
  return `INSERT INTO events (${COLUMNS.map((column) => column.name).join(', ')})
SELECT e.* FROM ${source}
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING idempotency_key`;
}

/**
 * Appends events on their own (no projection) and says which were new.
 *
 * @returns the idempotency keys that this call stored; the others were already there.
 */
export async function appendEvents(db: SqlClient, events: readonly NewEvent[]): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const params = new Params();
  const sql = appendEventsStatement(params, events);
  const rows = await db.$queryRawUnsafe<{ idempotency_key: string }[]>(sql, ...params.values);
  return new Set(rows.map((row) => row.idempotency_key));
}
