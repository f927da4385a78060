import type { EventOrigin } from '@mirror/event-store';
import { type Change, readBody, type ReadBody, type RowOf, type TableName } from '@mirror/projections';
import { deliveryOf } from './deliveries';
import type { WebhookBody } from './deliveries';

/** Reads a body as the n-th delivery of a test (see `deliveryOf`), without a database. */
export function readAt(body: WebhookBody | string, n: number, origin: EventOrigin = 'webhook'): ReadBody {
  return readDelivery(deliveryOf(body, n), origin);
}

/** Reads a delivery (a job's data) as the worker would, without a database. */
export function readDelivery(
  delivery: { rawBody: string; idempotencyKey: string; receiptStamp: string; receivedAt: number },
  origin: EventOrigin = 'webhook',
): ReadBody {
  return readBody({
    rawBody: delivery.rawBody,
    origin,
    meta: {
      receiptStamp: BigInt(delivery.receiptStamp),
      idempotencyKey: delivery.idempotencyKey,
      receivedAt: new Date(delivery.receivedAt),
    },
  });
}

/** The changes of a body that must be projected; throws when it is not. */
export function changesAt(body: WebhookBody, n: number, origin: EventOrigin = 'webhook'): Change[] {
  const read = readAt(body, n, origin);
  if (read.event.status !== 'projected') throw new Error(`not projected: ${read.event.reason ?? ''}`);
  return read.changes;
}

/** The rows of one table among changes. */
export function rowsIn<T extends TableName>(changes: readonly Change[], table: T): RowOf<T>[] {
  return changes.filter((change) => change.table === table).map((change) => change.row as RowOf<T>);
}
