import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineTable } from '../merge/define-table';
import {
  column,
  earliestTime,
  type FieldSpec,
  firstReportWins,
  leastText,
  naturalKey,
} from '../merge/fields';
import type { Register } from '../merge/registers';
import { numeric, text, timestamp } from '../sql/columns';
import { toAmountOrNull, type Amount } from '../values/amount';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * Referrals, keyed by (campaign, friend's Rehook id). The three referral events each fill in
 * what they know, in any order: referred (with the advocate and code), friend rewarded,
 * advocate rewarded. Customers are named by Rehook id only; their source ids resolve through
 * the identity map at read time, so the referral is complete whichever side arrives first.
 * `PointsRewarded` is recorded here and is never a pending reward (a `customer.rewarded` follows).
 */
export const REFERRAL_EVENTS = [
  'customer.referred',
  'customer.referral.successful.friend',
  'customer.referral.successful.advocate',
] as const;

export interface ReferralReward {
  at: Date;
  points: Amount | null;
}

export interface ReferralRow {
  campaignId: string;
  friendCustomerId: string;
  /** Should be the same in every report; the least wins should they disagree. */
  advocateCustomerId: string | null;
  code: string | null;
  /** Earliest customer.referred. */
  referredAt: Date | null;
  /** Earliest report of each reward step. */
  friendReward: Register<ReferralReward> | null;
  advocateReward: Register<ReferralReward> | null;
}

export interface ReferralChange {
  table: 'referrals';
  row: ReferralRow;
}

function projectReferrals(event: EventOf<(typeof REFERRAL_EVENTS)[number]>, meta: EventMeta): Change[] {
  const { campaignId, friendCustomerId, advocateCustomerId, code } = event.data;
  const row: ReferralRow = {
    campaignId,
    friendCustomerId,
    advocateCustomerId,
    code,
    referredAt: null,
    friendReward: null,
    advocateReward: null,
  };
  const reward: Register<ReferralReward> = {
    value: { at: meta.receivedAt, points: toAmountOrNull(event.data.pointsRewarded, 'PointsRewarded') },
    stamp: meta.receiptStamp,
    key: meta.idempotencyKey,
  };
  const { name } = event;
  switch (name) {
    case 'customer.referred':
      row.referredAt = meta.receivedAt;
      break;
    case 'customer.referral.successful.friend':
      row.friendReward = reward;
      break;
    case 'customer.referral.successful.advocate':
      row.advocateReward = reward;
      break;
    default:
      return assertNever(name);
  }
  return [{ table: 'referrals', row }];
}

export const referrals = readModel('referrals', REFERRAL_EVENTS, projectReferrals);

/** A reward step: its first report wins, in the columns `<prefix>_at`, `_points`, `_stamp`, `_key`. */
function rewardStep(prefix: string): FieldSpec<Register<ReferralReward> | null> {
  return firstReportWins<ReferralReward>(
    [
      column(`${prefix}_at`, 'timestamptz', (v) => timestamp(v.at)),
      column(`${prefix}_points`, 'numeric', (v) => numeric(v.points)),
    ],
    `${prefix}_stamp`,
    `${prefix}_key`,
  );
}

export const referralsTable = defineTable<ReferralRow>('referrals', {
  campaignId: naturalKey('campaign_id'),
  friendCustomerId: naturalKey('friend_customer_id'),
  advocateCustomerId: leastText(column('advocate_customer_id', 'text', text)),
  code: leastText(column('code', 'text', text)),
  referredAt: earliestTime(column('referred_at', 'timestamptz', timestamp)),
  friendReward: rewardStep('friend_rewarded'),
  advocateReward: rewardStep('advocate_rewarded'),
});
