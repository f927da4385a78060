import type { WebhookJobData } from '@mirror/queue';
import type { ReceiptClock } from '@mirror/queue';
import type { RehookEntry } from './compare';
import { walletOccurrenceKey } from './occurrence-key';

/**
 * The event that repairs a transaction the webhooks never brought. Its body is shaped like the
 * `wallet.credited` / `wallet.debited` webhook for it, so the catalog reads and projects it
 * exactly as it would the webhook (and a rebuild does the same), and it carries what the run
 * found under `reconcile`: the API record as Rehook answered it, the wallet it was listed
 * under, and the run. It is appended with origin `reconcile` and the webhook's occurrence key,
 * so a late webhook for the same transaction is a redelivery, not a second credit.
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
  const { stamp, receivedAt } = clock.next();
  return {
    rawBody: JSON.stringify(body),
    idempotencyKey: walletOccurrenceKey(record.type, record.transaction_id),
    receiptStamp: stamp.toString(),
    receivedAt,
  };
}
