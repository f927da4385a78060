import type { SqlClient } from './sql-client';
import { rowsRecordset, type RowColumn, type SqlParams, SqlParams as Params } from './sql-params';
import { storableText } from './storable-text';
import type { NewEvent } from './stored-event';

const text = (value: string | null) => (value === null ? null : storableText(value));

const COLUMNS: readonly RowColumn<NewEvent>[] = [
  { name: 'idempotency_key', type: 'text', value: (e) => text(e.idempotencyKey) },
  { name: 'receipt_stamp', type: 'bigint', value: (e) => e.receiptStamp.toString() },
  { name: 'received_at', type: 'timestamptz', value: (e) => e.receivedAt.toISOString() },
  { name: 'name', type: 'text', value: (e) => text(e.name) },
  { name: 'raw_name', type: 'text', value: (e) => text(e.rawName) },
  { name: 'source_id', type: 'text', value: (e) => text(e.sourceId) },
  { name: 'status', type: 'event_status', value: (e) => e.status },
  { name: 'reason', type: 'text', value: (e) => text(e.reason) },
  { name: 'raw_body', type: 'text', value: (e) => text(e.rawBody) },
  { name: 'origin', type: 'event_origin', value: (e) => e.origin },
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
  const select = rowsRecordset(params, COLUMNS, rows);
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
