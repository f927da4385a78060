import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineTable } from '../merge/define-table';
import { column, earliestTime, firstReportWins, naturalKey } from '../merge/fields';
import type { Register } from '../merge/registers';
import { numeric, text, timestamp } from '../sql/columns';
import { toAmountOrNull, type Amount } from '../values/amount';
import { checkedDateOrNull } from '../values/checked';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * Webhook rewards: points the shop must credit itself (a `customer.rewarded` whose wallet is
 * empty), keyed by redemption id, pending until the internal `mirror.reward.fulfilled` event
 * that the API appends. Referral events are deliberately absent: their `PointsRewarded` is
 * followed by a separate `customer.rewarded`, which alone creates the pending reward.
 */
export const WEBHOOK_REWARD_EVENTS = ['customer.rewarded', 'mirror.reward.fulfilled'] as const;

/** What the reward event says; the earliest report wins. */
export interface WebhookRewardReport {
  sourceId: string | null;
  points: Amount | null;
  rewardId: string | null;
  rewardName: string | null;
  campaignId: string | null;
  rewardedAt: Date;
}

export interface WebhookRewardRow {
  redemptionId: string;
  /** Null while only a fulfilment is known (a fulfilment and its reward may be projected in any order). */
  report: Register<WebhookRewardReport> | null;
  /** The earliest fulfilment. */
  fulfilledAt: Date | null;
}

export interface WebhookRewardChange {
  table: 'webhook_rewards';
  row: WebhookRewardRow;
}

function projectWebhookRewards(
  event: EventOf<(typeof WEBHOOK_REWARD_EVENTS)[number]>,
  meta: EventMeta,
): Change[] {
  const { name } = event;
  switch (name) {
    case 'customer.rewarded': {
      const { kind, reward } = event.data;
      if (kind !== 'webhook' || reward.redemptionId === null) return [];
      const report: WebhookRewardReport = {
        sourceId: event.sourceId === '' ? null : event.sourceId,
        points: toAmountOrNull(event.data.points, 'reward points'),
        rewardId: reward.rewardId,
        rewardName: reward.name,
        campaignId: event.data.campaignId,
        rewardedAt: checkedDateOrNull(reward.redemptionDate, 'reward redemption_date') ?? meta.receivedAt,
      };
      const row: WebhookRewardRow = {
        redemptionId: reward.redemptionId,
        report: { value: report, stamp: meta.receiptStamp, key: meta.idempotencyKey },
        fulfilledAt: null,
      };
      return [{ table: 'webhook_rewards', row }];
    }
    case 'mirror.reward.fulfilled':
      return [
        {
          table: 'webhook_rewards',
          row: { redemptionId: event.data.redemptionId, report: null, fulfilledAt: meta.receivedAt },
        },
      ];
    default:
      return assertNever(name);
  }
}

export const webhookRewards = readModel('webhook-rewards', WEBHOOK_REWARD_EVENTS, projectWebhookRewards);

export const webhookRewardsTable = defineTable<WebhookRewardRow>('webhook_rewards', {
  redemptionId: naturalKey('redemption_id'),
  report: firstReportWins<WebhookRewardReport>(
    [
      column('source_id', 'text', (v) => text(v.sourceId)),
      column('points', 'numeric', (v) => numeric(v.points)),
      column('reward_id', 'text', (v) => text(v.rewardId)),
      column('reward_name', 'text', (v) => text(v.rewardName)),
      column('campaign_id', 'text', (v) => text(v.campaignId)),
      column('rewarded_at', 'timestamptz', (v) => timestamp(v.rewardedAt)),
    ],
    'stamp',
    'stamp_key',
  ),
  fulfilledAt: earliestTime(column('fulfilled_at', 'timestamptz', timestamp)),
});
