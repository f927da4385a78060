import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { WebhookReward } from '../schemas/rewards';
import { amount, isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

/** A webhook reward as JSON, from `webhook_rewards r`. */
const rewardJson = Prisma.sql`json_build_object(
  'redemptionId', r.redemption_id,
  'sourceId', r.source_id,
  'points', ${amount('r.points')},
  'rewardId', r.reward_id,
  'rewardName', r.reward_name,
  'campaignId', r.campaign_id,
  'rewardedAt', ${isoUtc('r.rewarded_at')},
  'status', CASE WHEN r.fulfilled_at IS NULL THEN 'pending' ELSE 'fulfilled' END,
  'fulfilledAt', ${isoUtc('r.fulfilled_at')})`;

/**
 * Points of a customer's webhook rewards not yet fulfilled, as a scalar subquery (part of the
 * wallet summary: derived at read time, never stored).
 */
export function pendingRewardPointsSql(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT ${amount('coalesce(sum(r.points), 0)')} FROM webhook_rewards r
    WHERE r.source_id = ${sourceId} AND r.fulfilled_at IS NULL)`;
}

/**
 * A webhook reward by redemption id; null when unknown. A row whose `customer.rewarded` has not
 * been seen yet (only a fulfilment projected ahead of it, so no report register: `stamp` null)
 * counts as unknown.
 */
export async function findWebhookReward(db: ReadDb, redemptionId: string): Promise<WebhookReward | null> {
  const rows = await db.$queryRaw<{ item: WebhookReward }[]>`
    SELECT ${rewardJson} AS item FROM webhook_rewards r
    WHERE r.redemption_id = ${redemptionId} AND r.stamp IS NOT NULL`;
  return rows[0]?.item ?? null;
}

/**
 * Pending webhook rewards in redemption-id order (index `webhook_rewards(fulfilled_at, redemption_id)`).
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listPendingRewards(
  db: ReadDb,
  filter: { sourceId?: string | undefined; after?: string | undefined; limit: number },
): Promise<WebhookReward[]> {
  const rows = await db.$queryRaw<{ item: WebhookReward }[]>`
    SELECT ${rewardJson} AS item FROM webhook_rewards r
    ${whereAll([
      Prisma.sql`r.fulfilled_at IS NULL`,
      Prisma.sql`r.stamp IS NOT NULL`,
      filter.sourceId === undefined ? undefined : Prisma.sql`r.source_id = ${filter.sourceId}`,
      filter.after === undefined ? undefined : Prisma.sql`r.redemption_id > ${filter.after}`,
    ])}
    ORDER BY r.redemption_id
    LIMIT ${filter.limit + 1}`;
  return rows.map((row) => row.item);
}
