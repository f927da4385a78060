import { occurrenceKey } from '@mirror/delivery-identity';
import type { ReceiptClock, WebhookJobData } from '@mirror/queue';
import type { RehookEntry } from './compare';

/**
 * The event that repairs a transaction the webhooks never brought. Its body is shaped like the
 * `wallet.credited` / `wallet.debited` webhook for it, so the catalog reads and projects it
 * exactly as it would the webhook (and a rebuild does the same), and it carries what the run
 * found under `reconcile`: the API record as Rehook answered it, the wallet it was listed
 * under, and the run. It is appended with origin `reconcile` and the occurrence key the ingest
 * gives the webhook for the same transaction (delivery identity), so a late webhook is a
 * redelivery, not a second credit.
 *
 * @throws Error when the transaction id cannot key an occurrence (e.g. `"NA"`).
 */
export function repairDelivery(
  runId: string,
  sourceId: string,
  entry: RehookEntry,
  clock: ReceiptClock,
): WebhookJobData {
  const { record, walletId } = entry;
  const body = {
    event_name: record.type === 'credit' ? 'wallet.credited' : 'wallet.debited',
    source: 'reconcile',
    source_id: sourceId,
    metadata: {
      points: record.points,
      wallet: {
        transaction_id: record.transaction_id,
        type: record.type,
        points: record.points,
        ...(record.description == null ? {} : { description: record.description }),
      },
    },
    reconcile: { run_id: runId, wallet_id: walletId, record },
  };
  const idempotencyKey = occurrenceKey(body.event_name, body);
  if (idempotencyKey === null) {
    throw new Error(`transaction id ${JSON.stringify(record.transaction_id)} cannot identify a transaction`);
  }
  const { stamp, receivedAt } = clock.next();
  return {
    rawBody: JSON.stringify(body),
    idempotencyKey,
    receiptStamp: stamp.toString(),
    receivedAt,
  };
}
