/**
 * The normalized events the catalog produces from Rehook's loose payloads. Projections read
 * only these: every quirk of the wire format (casing, typos, timestamps, "NA") is resolved
 * before an event gets here. Field values that Rehook left out, sent empty or sent as "NA"
 * are `null`.
 */

/**
 * The canonical names: the 16 events of Rehook's event table, the two wallet events it documents
 * separately, and ours. `normalize` also accepts the payloads' spelling
 * `customer.referral.successfull.*` (double l) for the referral events.
 */
export const EVENT_NAMES = [
  'customer.rewarded',
  'order_success',
  'signup',
  'coupon.rewarded',
  'coupon.created',
  'coupon.redeemed',
  'customer.meta.updated',
  'customer.referred',
  'customer.referral.successful.advocate',
  'customer.referral.successful.friend',
  'customer.leaderboard.awarded',
  'customer.created',
  'coupon.redemption.rollback',
  'customer.updated',
  'customer.segment.entered',
  'customer.segment.left',
  'wallet.credited',
  'wallet.debited',
  /** Internal: appended by the API when the shop has credited a webhook reward itself. */
  'mirror.reward.fulfilled',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** A JSON value as found in a payload (customer properties keep whatever Rehook sent). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface WalletEntry {
  transactionId: string;
  /** From the event name (wallet.debited → debit), never from the payload's `type`. */
  direction: 'credit' | 'debit';
  /** The amount of this transaction, not a balance. */
  points: number;
  description: string | null;
  /** `wallet.created_at`; null when absent or Go's zero time. */
  createdAt: Date | null;
}

export interface RewardInfo {
  redemptionId: string | null;
  rewardId: string | null;
  name: string | null;
  redemptionDate: Date | null;
}

interface Base<N extends EventName, D> {
  name: N;
  /** The name exactly as sent (e.g. `customer.referral.successfull.advocate`). */
  rawName: string;
  /** The customer's id in the shop's own system; "" when the event is not about a customer. */
  sourceId: string;
  data: D;
}

export type CustomerRewarded = Base<
  'customer.rewarded',
  {
    /**
     * `wallet`: Rehook already credited the wallet (`wallet.transaction_id` present).
     * `webhook`: the shop must credit `points` itself (a pending reward keyed by redemption id,
     * which is then never null).
     */
    kind: 'wallet' | 'webhook';
    points: number | null;
    campaignId: string | null;
    campaignType: string | null;
    coupon: string | null;
    reward: RewardInfo;
    /** Present exactly when kind is `wallet`; direction is always `credit`. */
    wallet: WalletEntry | null;
  }
>;

export type OrderSuccess = Base<
  'order_success',
  { total: number | null; mode: string | null; itemCount: number }
>;

/** signup, customer.created, customer.updated, customer.meta.updated. */
export type CustomerProfileEvent = Base<
  'signup' | 'customer.created' | 'customer.updated' | 'customer.meta.updated',
  {
    rehookCustomerId: string | null;
    /**
     * Properties to merge (last writer wins per key): for customer.meta.updated the
     * `properties` object; for signup and customer.updated every metadata field except the
     * customer id; none for customer.created. Keys as Rehook sent them.
     */
    properties: Record<string, JsonValue>;
  }
>;

export type CouponCreated = Base<
  'coupon.created',
  { code: string; campaignId: string | null; details: Record<string, JsonValue> }
>;
export type CouponRewarded = Base<
  'coupon.rewarded',
  { code: string; campaignId: string | null; points: number | null; reward: RewardInfo }
>;
export type CouponRedeemed = Base<
  'coupon.redeemed',
  { code: string; redemptionId: string; redeemedAt: Date | null; orderTotal: number | null }
>;
export type CouponRedemptionRollback = Base<
  'coupon.redemption.rollback',
  { code: string; redemptionId: string; rollbackId: string | null; reason: string | null }
>;

/** The three referral events. Customer ids are Rehook ids (`cust_...`). */
export type ReferralEvent = Base<
  'customer.referred' | 'customer.referral.successful.advocate' | 'customer.referral.successful.friend',
  {
    campaignId: string;
    /** The friend's Rehook id: `CustomerId` on referred/friend events, `ConnectedCustomerId` on advocate events. */
    friendCustomerId: string;
    /** The advocate's Rehook id: `AdvocateId` (referred, friend) or `CustomerId` (advocate); null when "NA". */
    advocateCustomerId: string | null;
    /** Rehook id of the customer this event's `source_id` belongs to (for the identity map). */
    subjectCustomerId: string | null;
    code: string | null;
    /** PointsRewarded; null on customer.referred. Never a pending reward (a customer.rewarded follows). */
    pointsRewarded: number | null;
    redemptionId: string | null;
  }
>;

export type LeaderboardAwarded = Base<
  'customer.leaderboard.awarded',
  {
    campaignId: string;
    leaderboardId: string;
    /** Recurrence start as sent (ISO text), "" when absent: part of the award's natural key. */
    recurrence: string;
    recurrenceEnd: Date | null;
    rank: number | null;
    score: number | null;
    points: number | null;
    reward: RewardInfo;
  }
>;

export type SegmentEvent = Base<
  'customer.segment.entered' | 'customer.segment.left',
  { segmentId: string; segmentName: string | null }
>;

export type WalletEvent = Base<'wallet.credited' | 'wallet.debited', { wallet: WalletEntry }>;

export type RewardFulfilled = Base<'mirror.reward.fulfilled', { redemptionId: string }>;

/** Every known event, discriminated on `name`. */
export type RehookEvent =
  | CustomerRewarded
  | OrderSuccess
  | CustomerProfileEvent
  | CouponCreated
  | CouponRewarded
  | CouponRedeemed
  | CouponRedemptionRollback
  | ReferralEvent
  | LeaderboardAwarded
  | SegmentEvent
  | WalletEvent
  | RewardFulfilled;

/** What `normalize` says about a body. It never throws. */
export type NormalizeResult =
  | { outcome: 'recognized'; event: RehookEvent }
  /** A JSON object whose event name the catalog does not know. */
  | { outcome: 'unrecognized'; rawName: string | null; sourceId: string; reason: string }
  /**
   * A known name (or no usable name at all) whose payload could not be read, or an internal
   * event that did not come from the mirror itself.
   */
  | { outcome: 'invalid'; name: EventName | null; rawName: string | null; sourceId: string; reason: string };
