import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { latest } from '../merge/registers';
import { int4, int8, numeric, text, timestamp } from '../sql/columns';
import { takeIncoming, whereIncomingIsLater } from '../sql/merge-sql';
import { compositeKey, type TableSpec } from '../sql/table';
import { toAmountOrNull, type Amount } from '../values/amount';
import { checkedDateOrNull, checkedIntOrNull } from '../values/checked';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * Leaderboard awards, one per (campaign, leaderboard, recurrence, customer). An award is a
 * last-writer-wins register: a later report of the same award (a corrected rank) supersedes.
 */
export const LEADERBOARD_EVENTS = ['customer.leaderboard.awarded'] as const;

export interface LeaderboardAwardRow {
  campaignId: string;
  leaderboardId: string;
  /** Recurrence start as sent, "" when absent. */
  recurrence: string;
  sourceId: string;
  recurrenceEnd: Date | null;
  rank: number | null;
  score: Amount | null;
  points: Amount | null;
  rewardName: string | null;
  redemptionId: string | null;
  /** The reward's redemption date, else the receipt time. */
  awardedAt: Date;
  stamp: bigint;
  key: string;
}

export interface LeaderboardAwardChange {
  table: 'leaderboard_awards';
  row: LeaderboardAwardRow;
}

function projectLeaderboards(event: EventOf<(typeof LEADERBOARD_EVENTS)[number]>, meta: EventMeta): Change[] {
  const { name } = event;
  switch (name) {
    case 'customer.leaderboard.awarded': {
      const { data } = event;
      const row: LeaderboardAwardRow = {
        campaignId: data.campaignId,
        leaderboardId: data.leaderboardId,
        recurrence: data.recurrence,
        sourceId: event.sourceId,
        recurrenceEnd: checkedDateOrNull(data.recurrenceEnd, 'recurrence end_date'),
        rank: checkedIntOrNull(data.rank, 'rank'),
        score: toAmountOrNull(data.score, 'score'),
        points: toAmountOrNull(data.points, 'points'),
        rewardName: data.reward.name,
        redemptionId: data.reward.redemptionId,
        awardedAt: checkedDateOrNull(data.reward.redemptionDate, 'reward redemption_date') ?? meta.receivedAt,
        stamp: meta.receiptStamp,
        key: meta.idempotencyKey,
      };
      return [{ table: 'leaderboard_awards', row }];
    }
    default:
      return assertNever(name);
  }
}

export const leaderboards = readModel('leaderboards', LEADERBOARD_EVENTS, projectLeaderboards);

export const leaderboardAwardsTable: TableSpec<LeaderboardAwardRow> = {
  table: 'leaderboard_awards',
  conflictTarget: ['campaign_id', 'leaderboard_id', 'recurrence', 'source_id'],
  columns: [
    { name: 'campaign_id', type: 'text', value: (r) => text(r.campaignId) },
    { name: 'leaderboard_id', type: 'text', value: (r) => text(r.leaderboardId) },
    { name: 'recurrence', type: 'text', value: (r) => text(r.recurrence) },
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'recurrence_end', type: 'timestamptz', value: (r) => timestamp(r.recurrenceEnd) },
    { name: 'rank', type: 'integer', value: (r) => int4(r.rank) },
    { name: 'score', type: 'numeric', value: (r) => numeric(r.score) },
    { name: 'points', type: 'numeric', value: (r) => numeric(r.points) },
    { name: 'reward_name', type: 'text', value: (r) => text(r.rewardName) },
    { name: 'redemption_id', type: 'text', value: (r) => text(r.redemptionId) },
    { name: 'awarded_at', type: 'timestamptz', value: (r) => timestamp(r.awardedAt) },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.stamp) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.key) },
  ],
  key: (r) => compositeKey(r.campaignId, r.leaderboardId, r.recurrence, r.sourceId),
  merge: latest,
  onConflictSet: takeIncoming([
    'recurrence_end',
    'rank',
    'score',
    'points',
    'reward_name',
    'redemption_id',
    'awarded_at',
    'stamp',
    'stamp_key',
  ]),
  onConflictWhere: whereIncomingIsLater(),
};
