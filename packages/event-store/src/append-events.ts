import type { SqlClient } from './sql-client';
import { type SqlParams, SqlParams as Params, unnestRows } from './sql-params';
import { storableText } from './storable-text';
import type { NewEvent } from './stored-event';

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
  const text = (value: string | null) => (value === null ? null : storableText(value));
  const select = unnestRows(params, [
    { type: 'text', values: rows.map((e) => text(e.idempotencyKey)) },
    { type: 'bigint', values: rows.map((e) => e.receiptStamp.toString()) },
    { type: 'timestamptz', values: rows.map((e) => e.receivedAt.toISOString()) },
    { type: 'text', values: rows.map((e) => text(e.name)) },
    { type: 'text', values: rows.map((e) => text(e.rawName)) },
    { type: 'text', values: rows.map((e) => text(e.sourceId)) },
    { type: 'event_status', values: rows.map((e) => e.status) },
    { type: 'text', values: rows.map((e) => text(e.reason)) },
    { type: 'text', values: rows.map((e) => text(e.rawBody)) },
    { type: 'event_origin', values: rows.map((e) => e.origin) },
  ]);
  const source = from === undefined ? `(${select}) AS e` : `(${select}) AS e, ${from}`;
  return `INSERT INTO events (idempotency_key, receipt_stamp, received_at, name, raw_name, source_id, status, reason, raw_body, origin)
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
