import { jobIdForKey, ruleOfKey } from '@mirror/delivery-identity';
import type { WebhookJobData } from '@mirror/delivery-identity';
import { rowsRecordset, SqlParams, storableText, type RowColumn, type SqlClient } from '@mirror/event-store';

/** A delivery's row; `key_rule` is not stored: the INSERT falls back on it (see below). */
const COLUMNS: readonly RowColumn<WebhookJobData>[] = [
  { name: 'receipt_id', type: 'text', value: (d) => storableText(receiptIdOf(d)) },
  { name: 'event_key', type: 'text', value: (d) => storableText(d.idempotencyKey) },
  { name: 'receipt_stamp', type: 'bigint', value: (d) => d.receiptStamp },
  { name: 'received_at', type: 'timestamptz', value: (d) => new Date(d.receivedAt).toISOString() },
  { name: 'rule', type: 'text', value: (d) => d.redelivery ?? null },
  { name: 'key_rule', type: 'text', value: (d) => ruleOfKey(d.idempotencyKey) },
  {
    name: 'note',
    type: 'text',
    value: (d) => (d.identityNote === undefined ? null : storableText(d.identityNote)),
  },
];

/**
 * The receipt id of a delivery: the ingest's, or for a job without one (queued by an earlier
 * version, or the API's own fulfilment) its job id, which derives from the event key.
 */
export function receiptIdOf(delivery: WebhookJobData): string {
  return delivery.receiptId ?? `job:${jobIdForKey(delivery.idempotencyKey)}`;
}

/**
 * Records deliveries in `deliveries`, once per receipt id (a retried job records nothing new).
 * Run after the events are appended: a delivery whose event was stored from this very receipt
 * (same key and receipt stamp) is the `first`; any other is a redelivery, by the rule the ingest
 * recognised it with, or, when it reached the store as a first delivery but found its key taken
 * (the Redis marker had expired), by the rule of its key.
 */
export async function recordDeliveries(db: SqlClient, deliveries: readonly WebhookJobData[]): Promise<void> {
  if (deliveries.length === 0) return;
  const params = new SqlParams();
  const rows = rowsRecordset(params, COLUMNS, deliveries);
  await db.$executeRawUnsafe(
    `INSERT INTO deliveries (receipt_id, event_key, receipt_stamp, received_at, rule, note)
     SELECT d.receipt_id, d.event_key, d.receipt_stamp, d.received_at,
            COALESCE(d.rule, CASE WHEN e.receipt_stamp = d.receipt_stamp THEN 'first' ELSE d.key_rule END),
            d.note
     FROM (${rows}) AS d
     LEFT JOIN events e ON e.idempotency_key = d.event_key
     ORDER BY d.receipt_id
     ON CONFLICT (receipt_id) DO NOTHING`,
    ...params.values,
  );
}
