import type { ReceiptClock, WebhookJobData } from '@mirror/queue';
import { findWebhookReward } from '../queries/rewards';
import type { ReadDb } from '../deps';
import type { WebhookReward } from '../schemas/rewards';

/** Stores deliveries and projects them in one transaction: the worker's one code path. */
export type RecordDeliveries = (deliveries: WebhookJobData[]) => Promise<unknown>;

/** What a fulfilment did. */
export type FulfilOutcome = { outcome: 'unknown-reward' } | { outcome: 'fulfilled'; reward: WebhookReward };

/** The idempotency key of a reward's fulfilment event: repeats dedupe in the event store. */
export function fulfilmentKey(redemptionId: string): string {
  return `fulfil:${redemptionId}`;
}

/**
 * The internal event that says the shop has credited a webhook reward itself. Its raw body is
 * shaped like a webhook, so the catalog reads it like any other, and a rebuild replays it.
 */
export function fulfilmentBody(redemptionId: string, sourceId: string): string {
  return JSON.stringify({
    event_name: 'mirror.reward.fulfilled',
    source: 'mirror',
    source_id: sourceId,
    metadata: { redemption_id: redemptionId },
  });
}

/**
 * Marks a webhook reward fulfilled by appending `mirror.reward.fulfilled` to the event store
 * through the worker's code path (store and project in one transaction), never by writing the
 * read model directly, so that a rebuild keeps the fulfilment. Repeating it stores nothing new:
 * the idempotency key is derived from the redemption id, and the read model keeps the earliest
 * fulfilment.
 */
export async function fulfilReward(
  deps: { db: ReadDb; record: RecordDeliveries; receiptClock: ReceiptClock },
  redemptionId: string,
): Promise<FulfilOutcome> {
  const reward = await findWebhookReward(deps.db, redemptionId);
  if (reward === null) return { outcome: 'unknown-reward' };
  if (reward.status === 'pending') {
    const { stamp, receivedAt } = deps.receiptClock.next();
    await deps.record([
      {
        rawBody: fulfilmentBody(redemptionId, reward.sourceId ?? ''),
        idempotencyKey: fulfilmentKey(redemptionId),
        receiptStamp: stamp.toString(),
        receivedAt,
      },
    ]);
  }
  const after = await findWebhookReward(deps.db, redemptionId);
  if (after === null) return { outcome: 'unknown-reward' };
  return { outcome: 'fulfilled', reward: after };
}
