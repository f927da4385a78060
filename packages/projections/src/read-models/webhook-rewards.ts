import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { earlier, minDate, type Register } from '../merge/registers';
import { int8, numeric, text, timestamp } from '../sql/columns';
import { incomingIsEarlier, least, takeWhen } from '../sql/merge-sql';
import type { TableSpec } from '../sql/table';
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

const REPORT_COLUMNS = [
  'source_id',
  'points',
  'reward_id',
  'reward_name',
  'campaign_id',
  'rewarded_at',
  'stamp',
  'stamp_key',
] as const;

export const webhookRewardsTable: TableSpec<WebhookRewardRow> = {
  table: 'webhook_rewards',
  conflictTarget: ['redemption_id'],
  columns: [
    { name: 'redemption_id', type: 'text', value: (r) => text(r.redemptionId) },
    { name: 'source_id', type: 'text', value: (r) => text(r.report?.value.sourceId ?? null) },
    { name: 'points', type: 'numeric', value: (r) => numeric(r.report?.value.points ?? null) },
    { name: 'reward_id', type: 'text', value: (r) => text(r.report?.value.rewardId ?? null) },
    { name: 'reward_name', type: 'text', value: (r) => text(r.report?.value.rewardName ?? null) },
    { name: 'campaign_id', type: 'text', value: (r) => text(r.report?.value.campaignId ?? null) },
    { name: 'rewarded_at', type: 'timestamptz', value: (r) => timestamp(r.report?.value.rewardedAt ?? null) },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.report?.stamp ?? null) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.report?.key ?? null) },
    { name: 'fulfilled_at', type: 'timestamptz', value: (r) => timestamp(r.fulfilledAt) },
  ],
  key: (r) => r.redemptionId,
  merge: (a, b) => ({
    redemptionId: a.redemptionId,
    report: earlier(a.report, b.report),
    fulfilledAt: minDate(a.fulfilledAt, b.fulfilledAt),
  }),
  onConflictSet: [
    ...takeWhen(incomingIsEarlier('stamp', 'stamp_key'), REPORT_COLUMNS),
    least('fulfilled_at'),
  ],
};
