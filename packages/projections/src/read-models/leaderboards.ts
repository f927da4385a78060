import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable } from '../merge/define-table';
import { column, naturalKey, reportedBy } from '../merge/fields';
import { int4, int8, numeric, text, timestamp } from '../sql/columns';
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

export const leaderboardAwardsTable = defineRegisterTable<LeaderboardAwardRow>('leaderboard_awards', 'last', {
  campaignId: naturalKey('campaign_id'),
  leaderboardId: naturalKey('leaderboard_id'),
  recurrence: naturalKey('recurrence'),
  sourceId: naturalKey('source_id'),
  recurrenceEnd: reportedBy(column('recurrence_end', 'timestamptz', timestamp)),
  rank: reportedBy(column('rank', 'integer', int4)),
  score: reportedBy(column('score', 'numeric', numeric)),
  points: reportedBy(column('points', 'numeric', numeric)),
  rewardName: reportedBy(column('reward_name', 'text', text)),
  redemptionId: reportedBy(column('redemption_id', 'text', text)),
  awardedAt: reportedBy(column('awarded_at', 'timestamptz', timestamp)),
  stamp: reportedBy(column('stamp', 'bigint', int8)),
  key: reportedBy(column('stamp_key', 'text', text)),
});
