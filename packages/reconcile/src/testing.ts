import type { PrismaClient } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
import { ReceiptClock } from '@mirror/queue';
import { occurrenceKey } from '@mirror/delivery-identity';

const clock = new ReceiptClock();

/**
 * Delivers a `wallet.credited` / `wallet.debited` webhook to the mirror as the worker records it,
 * keyed by its occurrence key, as the ingest keys such a webhook (delivery identity).
 */
export async function deliverWalletWebhook(
  prisma: PrismaClient,
  sourceId: string,
  tx: { transaction_id: string; type: 'credit' | 'debit'; points: number },
) {
  const body = {
    event_name: tx.type === 'credit' ? 'wallet.credited' : 'wallet.debited',
    metadata: { points: tx.points, wallet: { ...tx, description: 'from a webhook' } },
    source: 'rehook',
    source_id: sourceId,
  };
  const { stamp, receivedAt } = clock.next();
  const [recorded] = await recordEvents(prisma, [
    {
      rawBody: JSON.stringify(body),
      idempotencyKey:
        occurrenceKey(body.event_name, body) ?? 'unreachable: a wallet body with a transaction id',
      receiptStamp: stamp.toString(),
      receivedAt,
    },
  ]);
  return recorded;
}

/** Makes the mirror know a customer (a `customer.created` webhook), as reconciliation needs. */
export async function deliverCustomerCreated(prisma: PrismaClient, sourceId: string, rehookId: string) {
  const { stamp, receivedAt } = clock.next();
  await recordEvents(prisma, [
    {
      rawBody: JSON.stringify({
        event_name: 'customer.created',
        metadata: { CustomerID: rehookId },
        source: 'rehook',
        source_id: sourceId,
      }),
      idempotencyKey: `test:created:${sourceId}`,
      receiptStamp: stamp.toString(),
      receivedAt,
    },
  ]);
}

/** The mirror's ledger of a customer as sorted `direction:id:points` strings. */
export async function ledgerOf(prisma: PrismaClient, sourceId: string): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ entry: string }[]>(
    `SELECT direction || ':' || transaction_id || ':' || (points::float8)::text AS entry
       FROM wallet_transactions WHERE source_id = $1 ORDER BY 1`,
    sourceId,
  );
  return rows.map((row) => row.entry);
}
