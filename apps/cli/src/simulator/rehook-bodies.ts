// Webhook bodies in Rehook's own style, shaped after shared/rehook/fixtures: mixed snake_case and
// PascalCase keys, `CustomerID` next to `CustomerId`, the `successfull` typo, 7 or 9 fractional
// digits, Go's zero time where Rehook leaves a date unset.

/** A webhook body as Rehook sends it. */
export interface RehookBody {
  event_name: string;
  metadata: Record<string, unknown>;
  source: 'rehook';
  source_id: string;
}

/** Go's zero time, which Rehook sends for "unset". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * A Rehook timestamp: ISO 8601 in UTC with 7 or 9 fractional digits (Rehook's documented
 * examples have both). `subMs` supplies the digits below the millisecond.
 */
export function rehookTime(ms: number, digits: 7 | 9, subMs: number): string {
  const iso = new Date(ms).toISOString(); // 2023-09-21T07:46:56.842Z
  const below = String(Math.abs(Math.trunc(subMs)) % 10 ** (digits - 3)).padStart(digits - 3, '0');
  return `${iso.slice(0, 23)}${below}Z`;
}

function body(eventName: string, sourceId: string, metadata: Record<string, unknown>): RehookBody {
  return { event_name: eventName, metadata, source: 'rehook', source_id: sourceId };
}

/** The `reward` object of customer.rewarded and coupon.rewarded. */
export interface RewardFields {
  name: string;
  redemptionId: string;
  rewardId: string;
  redemptionDate: string;
}

function rewardObject(reward: RewardFields, expiresAt: string | null): Record<string, unknown> {
  return {
    activation: { days: 1, is_immediate: true, start_date: null },
    expiration: { days: 1, expiration_date: expiresAt, never_expires: expiresAt === null },
    name: reward.name,
    redemption_date: reward.redemptionDate,
    redemption_id: reward.redemptionId,
    reward_id: reward.rewardId,
  };
}

/** customer.created: only Rehook's customer id. */
export function customerCreated(sourceId: string, customerId: string): RehookBody {
  return body('customer.created', sourceId, { CustomerID: customerId });
}

/** signup: the customer id and the profile the customer signed up with. */
export function signup(sourceId: string, customerId: string, profile: Record<string, unknown>): RehookBody {
  return body('signup', sourceId, { CustomerID: customerId, ...profile });
}

/** customer.updated: the customer id and the changed profile fields. */
export function customerUpdated(
  sourceId: string,
  customerId: string,
  changes: Record<string, unknown>,
): RehookBody {
  return body('customer.updated', sourceId, { CustomerID: customerId, ...changes });
}

/** customer.meta.updated: user properties under `properties`. */
export function customerMetaUpdated(
  sourceId: string,
  customerId: string,
  properties: Record<string, unknown>,
): RehookBody {
  return body('customer.meta.updated', sourceId, { CustomerID: customerId, properties });
}

/** One cart line of order_success. */
export interface CartItem {
  id: number;
  title: string;
  brand: string;
  category: string;
  price: number;
  quantity: number;
  stock: number;
}

/** order_success: a cart and its total. */
export function orderSuccess(sourceId: string, cart: CartItem[], mode: string): RehookBody {
  const total = cart.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return body('order_success', sourceId, {
    cart: cart.map((item) => ({
      ...item,
      description: `${item.brand} ${item.title}`,
      discountPercentage: 0,
      rating: 4.5,
      selected: false,
      thumbnail: `https://shop.example/products/${item.id}/thumbnail.jpg`,
    })),
    mode,
    total,
  });
}

/** The wallet transaction of a wallet-type customer.rewarded or a wallet event. */
export interface WalletFields {
  transactionId: string;
  points: number;
  description: string;
  createdAt: string;
}

/**
 * customer.rewarded, wallet kind: Rehook has already credited the wallet. Like the documented
 * example, its wallet dates are Go's zero time.
 */
export function walletReward(
  sourceId: string,
  campaign: { id: string; type: string },
  reward: RewardFields,
  wallet: WalletFields,
): RehookBody {
  return body('customer.rewarded', sourceId, {
    campaign,
    coupon: null,
    custom_fields: null,
    points: wallet.points,
    reward: rewardObject(reward, null),
    source_id: sourceId,
    wallet: {
      created_at: GO_ZERO_TIME,
      description: wallet.description,
      points: wallet.points,
      transaction_id: wallet.transactionId,
      updated_at: GO_ZERO_TIME,
    },
  });
}

/** customer.rewarded, webhook kind: the shop must credit `points` itself. */
export function webhookReward(
  sourceId: string,
  campaign: { id: string; type: string },
  reward: RewardFields,
  points: number,
): RehookBody {
  return body('customer.rewarded', sourceId, {
    campaign,
    coupon: null,
    custom_fields: null,
    points,
    reward: rewardObject(reward, null),
    source_id: sourceId,
    wallet: { points: 0 },
  });
}

/**
 * wallet.credited / wallet.debited. `type` is what the payload says; Rehook's documented debit
 * example says "credit" (a slip the mirror must ignore), so callers sometimes pass that.
 */
export function walletEvent(
  direction: 'credit' | 'debit',
  sourceId: string,
  wallet: WalletFields,
  type: string,
): RehookBody {
  return body(direction === 'credit' ? 'wallet.credited' : 'wallet.debited', sourceId, {
    points: wallet.points,
    wallet: {
      created_at: wallet.createdAt,
      description: wallet.description,
      points: wallet.points,
      transaction_id: wallet.transactionId,
      type,
      updated_at: wallet.createdAt,
    },
  });
}

/** Ids shared by the referral events of one friend. */
export interface ReferralIds {
  campaignId: string;
  advocateCustomerId: string;
  friendCustomerId: string;
  code: string;
}

/** customer.referred: about the friend, who logged in with the advocate's code. */
export function customerReferred(friendSourceId: string, ids: ReferralIds): RehookBody {
  return body('customer.referred', friendSourceId, {
    AdvocateId: ids.advocateCustomerId,
    CampaignID: ids.campaignId,
    Code: ids.code,
    CustomerId: ids.friendCustomerId,
    Type: 'referral_friend',
  });
}

/** Reward fields of the two "referral successful" events. */
export interface ReferralReward {
  points: number;
  redemptionId: string;
  rewardId: string;
  ruleId: string;
}

/**
 * customer.referral.successful.advocate, spelled `successfull` as Rehook's payloads do. About
 * the advocate; the friend is `ConnectedCustomerId`.
 */
export function referralAdvocate(
  advocateSourceId: string,
  ids: ReferralIds,
  reward: ReferralReward,
): RehookBody {
  return body('customer.referral.successfull.advocate', advocateSourceId, {
    AdvocateId: ids.advocateCustomerId,
    CampaignID: ids.campaignId,
    CampaignName: '',
    CampaignType: 'referral',
    Code: '',
    ConnectedCustomerId: ids.friendCustomerId,
    CustomerId: ids.advocateCustomerId,
    PointsRewarded: reward.points,
    RedemptionId: reward.redemptionId,
    RewardId: reward.rewardId,
    RewardType: 'webhook',
    RuleId: reward.ruleId,
    Type: 'referral_advocate',
  });
}

/**
 * customer.referral.successful.friend (`successfull`). About the friend; like the documented
 * example, the advocate is "NA" here.
 */
export function referralFriend(friendSourceId: string, ids: ReferralIds, reward: ReferralReward): RehookBody {
  return body('customer.referral.successfull.friend', friendSourceId, {
    AdvocateId: 'NA',
    CampaignID: ids.campaignId,
    CampaignName: '',
    CampaignType: 'referral',
    Code: '',
    ConnectedCustomerId: 'NA',
    CustomerId: ids.friendCustomerId,
    PointsRewarded: reward.points,
    RedemptionId: reward.redemptionId,
    RewardId: reward.rewardId,
    RewardType: 'webhook',
    RuleId: reward.ruleId,
    Type: 'referral_friend',
  });
}

/** coupon.created: not about a customer, so `source_id` is empty. */
export function couponCreated(
  code: string,
  campaign: { id: string; type: string },
  discount: { type: string; value: number },
  expiresAt: string,
): RehookBody {
  return body('coupon.created', '', { campaign, coupon: { code, discount, expiration_date: expiresAt } });
}

/** coupon.rewarded: the coupon is assigned to a customer. */
export function couponRewarded(
  sourceId: string,
  code: string,
  campaign: { id: string; type: string },
  reward: RewardFields,
  expiresAt: string,
): RehookBody {
  return body('coupon.rewarded', sourceId, {
    campaign,
    coupon: code,
    custom_fields: null,
    points: 0,
    reward: rewardObject(reward, expiresAt),
    source_id: sourceId,
  });
}

/** coupon.redeemed. */
export function couponRedeemed(
  sourceId: string,
  code: string,
  redemptionId: string,
  redeemedAt: string,
  orderTotal: number,
): RehookBody {
  return body('coupon.redeemed', sourceId, {
    coupon: code,
    redemption_id: redemptionId,
    redemption_date: redeemedAt,
    order: { total: orderTotal, mode: 'CARD' },
  });
}

/** coupon.redemption.rollback. */
export function couponRollback(
  sourceId: string,
  code: string,
  redemptionId: string,
  rollbackId: string,
  reason: string,
): RehookBody {
  return body('coupon.redemption.rollback', sourceId, {
    coupon: code,
    redemption_id: redemptionId,
    rollback_id: rollbackId,
    reason,
  });
}

/** customer.segment.entered / customer.segment.left. */
export function segmentEvent(
  entered: boolean,
  sourceId: string,
  segment: { id: string; name: string },
): RehookBody {
  return body(entered ? 'customer.segment.entered' : 'customer.segment.left', sourceId, {
    SegmentId: segment.id,
    SegmentName: segment.name,
  });
}

/** Fields of one leaderboard award. */
export interface LeaderboardFields {
  campaignId: string;
  leaderboardId: string;
  recurrenceStart: string;
  recurrenceEnd: string;
  rank: number;
  score: number;
  points: number;
  reward: { name: string; redemptionId: string; rewardId: string };
}

/** customer.leaderboard.awarded. */
export function leaderboardAwarded(sourceId: string, award: LeaderboardFields): RehookBody {
  return body('customer.leaderboard.awarded', sourceId, {
    campaign: { id: award.campaignId, type: 'leaderboard' },
    leaderboard: {
      id: award.leaderboardId,
      recurrence: { start_date: award.recurrenceStart, end_date: award.recurrenceEnd },
    },
    rank: award.rank,
    score: award.score,
    points: award.points,
    reward: {
      name: award.reward.name,
      redemption_id: award.reward.redemptionId,
      reward_id: award.reward.rewardId,
    },
  });
}
