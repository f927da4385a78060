import type { SqlClient } from './sql-client';
import { rowsRecordset, type RowColumn, SqlParams } from './sql-params';
import type { EventStatus } from './stored-event';

/** How the current catalog reads a stored event. */
export interface EventClassification {
  idempotencyKey: string;
  name: string | null;
  status: EventStatus;
  reason: string | null;
}

const COLUMNS: readonly RowColumn<EventClassification>[] = [
  { name: 'idempotency_key', type: 'text', value: (c) => c.idempotencyKey },
  { name: 'name', type: 'text', value: (c) => c.name },
  { name: 'status', type: 'event_status', value: (c) => c.status },
  { name: 'reason', type: 'text', value: (c) => c.reason },
];

/**
 * Records a new reading of stored events (a rebuild after a catalog change: an `unrecognized`
 * event that the catalog now knows becomes `projected`). Only these three columns may change:
 * the append-only trigger refuses any other update, so what was received stays as received.
 *
 * @returns the number of events updated.
 */
export async function reclassifyEvents(
  db: SqlClient,
  changes: readonly EventClassification[],
): Promise<number> {
  if (changes.length === 0) return 0;
  const params = new SqlParams();
  const select = rowsRecordset(params, COLUMNS, changes);
  return db.$executeRawUnsafe(
    `UPDATE events AS e SET name = c.name, status = c.status, reason = c.reason
     FROM (${select}) AS c(idempotency_key, name, status, reason)
     WHERE e.idempotency_key = c.idempotency_key`,
    ...params.values,
  );
}
