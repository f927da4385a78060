import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { earlier, leastText, minDate, type Register } from '../merge/registers';
import { int8, numeric, text, timestamp } from '../sql/columns';
import { incomingIsEarlier, least, leastText as leastTextSql, takeWhen } from '../sql/merge-sql';
import { compositeKey, type TableSpec } from '../sql/table';
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

export const referralsTable: TableSpec<ReferralRow> = {
  table: 'referrals',
  conflictTarget: ['campaign_id', 'friend_customer_id'],
  columns: [
    { name: 'campaign_id', type: 'text', value: (r) => text(r.campaignId) },
    { name: 'friend_customer_id', type: 'text', value: (r) => text(r.friendCustomerId) },
    { name: 'advocate_customer_id', type: 'text', value: (r) => text(r.advocateCustomerId) },
    { name: 'code', type: 'text', value: (r) => text(r.code) },
    { name: 'referred_at', type: 'timestamptz', value: (r) => timestamp(r.referredAt) },
    {
      name: 'friend_rewarded_at',
      type: 'timestamptz',
      value: (r) => timestamp(r.friendReward?.value.at ?? null),
    },
    {
      name: 'friend_rewarded_points',
      type: 'numeric',
      value: (r) => numeric(r.friendReward?.value.points ?? null),
    },
    { name: 'friend_rewarded_stamp', type: 'bigint', value: (r) => int8(r.friendReward?.stamp ?? null) },
    { name: 'friend_rewarded_key', type: 'text', value: (r) => text(r.friendReward?.key ?? null) },
    {
      name: 'advocate_rewarded_at',
      type: 'timestamptz',
      value: (r) => timestamp(r.advocateReward?.value.at ?? null),
    },
    {
      name: 'advocate_rewarded_points',
      type: 'numeric',
      value: (r) => numeric(r.advocateReward?.value.points ?? null),
    },
    { name: 'advocate_rewarded_stamp', type: 'bigint', value: (r) => int8(r.advocateReward?.stamp ?? null) },
    { name: 'advocate_rewarded_key', type: 'text', value: (r) => text(r.advocateReward?.key ?? null) },
  ],
  key: (r) => compositeKey(r.campaignId, r.friendCustomerId),
  merge: (a, b) => ({
    campaignId: a.campaignId,
    friendCustomerId: a.friendCustomerId,
    advocateCustomerId: leastText(a.advocateCustomerId, b.advocateCustomerId),
    code: leastText(a.code, b.code),
    referredAt: minDate(a.referredAt, b.referredAt),
    friendReward: earlier(a.friendReward, b.friendReward),
    advocateReward: earlier(a.advocateReward, b.advocateReward),
  }),
  onConflictSet: [
    leastTextSql('advocate_customer_id'),
    leastTextSql('code'),
    least('referred_at'),
    ...takeWhen(incomingIsEarlier('friend_rewarded_stamp', 'friend_rewarded_key'), [
      'friend_rewarded_at',
      'friend_rewarded_points',
      'friend_rewarded_stamp',
      'friend_rewarded_key',
    ]),
    ...takeWhen(incomingIsEarlier('advocate_rewarded_stamp', 'advocate_rewarded_key'), [
      'advocate_rewarded_at',
      'advocate_rewarded_points',
      'advocate_rewarded_stamp',
      'advocate_rewarded_key',
    ]),
  ],
};
