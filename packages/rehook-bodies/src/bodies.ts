// Webhook bodies in Rehook's wire format, shaped after the shared fixtures
// (shared/rehook/fixtures): mixed snake_case and PascalCase keys, `CustomerID` next to
// `CustomerId`, the `successfull` typo, 7 or 9 fractional digits, Go's zero time where Rehook
// leaves a date unset. A builder given a fixture's ids gives that fixture back (see
// bodies.test.ts); every value a caller leaves out is the fixture's, except the ids that name an
// occurrence (transaction and redemption ids), which a caller must give or which are derived
// from what it gave, so that two built events are never one by accident.
import { GO_ZERO_TIME } from './rehook-time';

/** A webhook body as Rehook sends it (`source: 'mirror'` for the mirror's own events). */
export type RehookBody = {
  event_name: string;
  metadata: Record<string, unknown>;
  source: string;
  source_id: string;
};

/** A campaign as the payloads name it; `type` defaults to the event's fixture's. */
export interface CampaignRef {
  id: string;
  type?: string;
}

/** The `reward` fields of customer.rewarded and coupon.rewarded besides its redemption id. */
export interface RewardOptions {
  name?: string;
  rewardId?: string;
  redemptionDate?: string;
}

function body(eventName: string, sourceId: string, metadata: Record<string, unknown>): RehookBody {
  return { event_name: eventName, metadata, source: 'rehook', source_id: sourceId };
}

function campaignOf(campaign: CampaignRef | undefined, fixture: Required<CampaignRef>) {
  return { id: campaign?.id ?? fixture.id, type: campaign?.type ?? fixture.type };
}

/** A customer's own event: Rehook's id for it (`CustomerID`) beside the event's fields. */
interface CustomerRef {
  sourceId: string;
  customerId: string;
}

function customerEvent(eventName: string, o: CustomerRef, fields: Record<string, unknown>): RehookBody {
  return body(eventName, o.sourceId, { CustomerID: o.customerId, ...fields });
}

/** customer.created: only Rehook's customer id. */
export function customerCreated(o: CustomerRef): RehookBody {
  return customerEvent('customer.created', o, {});
}

/** signup: the profile signed up with (the fixture's unless given). */
export function signup(o: CustomerRef & { profile?: Record<string, unknown> }): RehookBody {
  return customerEvent('signup', o, o.profile ?? { email: 'asha@example.com', name: 'Asha Rao' });
}

/** customer.updated: the changed profile fields (the fixture's unless given). */
export function customerUpdated(o: CustomerRef & { changes?: Record<string, unknown> }): RehookBody {
  return customerEvent(
    'customer.updated',
    o,
    o.changes ?? { name: 'Ravi Kumar', email: 'ravi@example.com', phone: '+91-9800000000' },
  );
}

/** customer.meta.updated: user properties under `properties` (the fixture's unless given). */
export function customerMetaUpdated(o: CustomerRef & { properties?: Record<string, unknown> }): RehookBody {
  return customerEvent('customer.meta.updated', o, {
    properties: o.properties ?? { tier: 'gold', city: 'Pune', marketing_opt_in: true },
  });
}

/** One cart line of order_success, as sent; only price and quantity make the total. */
export type CartLine = { price: number; quantity: number } & Record<string, unknown>;

/** The documented example's one line (`id` 1). */
const FIXTURE_CART_LINE = {
  brand: 'Apple',
  category: 'smartphones',
  description: 'An apple mobile which is nothing like apple',
  discountPercentage: 12.96,
  id: 1,
  images: [
    'https://i.dummyjson.com/data/products/1/1.jpg',
    'https://i.dummyjson.com/data/products/1/2.jpg',
    'https://i.dummyjson.com/data/products/1/3.jpg',
    'https://i.dummyjson.com/data/products/1/4.jpg',
    'https://i.dummyjson.com/data/products/1/thumbnail.jpg',
  ],
  price: 549,
  quantity: 1,
  rating: 4.69,
  selected: false,
  stock: 94,
  thumbnail: 'https://i.dummyjson.com/data/products/1/thumbnail.jpg',
  title: 'iPhone 9',
};

/** A cart line in the documented example's shape for a product of a shop's catalogue. */
export function cartLine(product: {
  id: number;
  title: string;
  brand: string;
  category: string;
  price: number;
  quantity: number;
  stock: number;
}): CartLine {
  return {
    ...product,
    description: `${product.brand} ${product.title}`,
    discountPercentage: 0,
    rating: 4.5,
    selected: false,
    thumbnail: `https://shop.example/products/${product.id}/thumbnail.jpg`,
  };
}

/**
 * order_success. Rehook sends no order id, so two identical order bodies are one order: without
 * a `cart`, the documented example's line is sent with `id` set to `orderNo` (default 1) to keep
 * otherwise identical orders apart. `total` defaults to the cart's sum.
 */
export function orderSuccess(o: {
  sourceId: string;
  cart?: readonly CartLine[];
  orderNo?: number | string;
  total?: number;
  mode?: string;
}): RehookBody {
  const cart = o.cart ?? [
    { ...FIXTURE_CART_LINE, images: [...FIXTURE_CART_LINE.images], id: o.orderNo ?? 1 },
  ];
  const total = o.total ?? cart.reduce((sum, line) => sum + line.price * line.quantity, 0);
  return body('order_success', o.sourceId, { cart, mode: o.mode ?? 'CARD', total });
}

const WALLET_DESCRIPTION = 'Wallet points have been successfully credited to your account.';

/**
 * wallet.credited or wallet.debited of one ledger transaction. `type` is what the payload says:
 * Rehook's documented debit example says "credit" (a slip the mirror must ignore), and so does
 * this unless told otherwise.
 */
export function walletEvent(o: {
  direction: 'credit' | 'debit';
  sourceId: string;
  transactionId: string;
  points: number;
  createdAt?: string;
  description?: string;
  type?: string;
}): RehookBody {
  const createdAt = o.createdAt ?? '2023-09-22T10:12:48.68849339Z';
  return body(o.direction === 'credit' ? 'wallet.credited' : 'wallet.debited', o.sourceId, {
    points: o.points,
    wallet: {
      created_at: createdAt,
      description: o.description ?? WALLET_DESCRIPTION,
      points: o.points,
      transaction_id: o.transactionId,
      type: o.type ?? 'credit',
      updated_at: createdAt,
    },
  });
}

/** What a customer.rewarded needs besides its wallet. */
interface CustomerRewardedOptions {
  sourceId: string;
  redemptionId: string;
  points: number;
  campaign?: CampaignRef;
  reward?: RewardOptions;
}

/** customer.rewarded of either kind: the kind shows in `wallet`; the reward never expires. */
function customerRewarded(
  o: CustomerRewardedOptions,
  fixture: { campaign: Required<CampaignRef>; reward: Required<RewardOptions> },
  wallet: Record<string, unknown>,
): RehookBody {
  return body('customer.rewarded', o.sourceId, {
    campaign: campaignOf(o.campaign, fixture.campaign),
    coupon: null,
    custom_fields: null,
    points: o.points,
    reward: {
      activation: { days: 1, is_immediate: true, start_date: null },
      expiration: { days: 1, expiration_date: null, never_expires: true },
      name: o.reward?.name ?? fixture.reward.name,
      redemption_date: o.reward?.redemptionDate ?? fixture.reward.redemptionDate,
      redemption_id: o.redemptionId,
      reward_id: o.reward?.rewardId ?? fixture.reward.rewardId,
    },
    source_id: o.sourceId,
    wallet,
  });
}

/**
 * customer.rewarded, wallet kind: Rehook has already credited the wallet (transaction
 * `transactionId`). Like the documented example, its wallet dates are Go's zero time.
 */
export function walletReward(
  o: CustomerRewardedOptions & { transactionId: string; description?: string },
): RehookBody {
  const fixture = {
    campaign: { id: 'camp_0pe3HDtdFYgf1P5vryaXk', type: 'loyalty' },
    reward: {
      name: 'order success reward',
      redemptionDate: '2023-09-21T07:46:56.8421482Z',
      rewardId: 'rewd_C1BnYHxmlmF1fi3lQk7Ud',
    },
  };
  return customerRewarded(o, fixture, {
    created_at: GO_ZERO_TIME,
    description: o.description ?? WALLET_DESCRIPTION,
    points: o.points,
    transaction_id: o.transactionId,
    updated_at: GO_ZERO_TIME,
  });
}

/** customer.rewarded, webhook kind: the shop must credit `points` itself (pending until fulfilled). */
export function webhookReward(o: CustomerRewardedOptions): RehookBody {
  const fixture = {
    campaign: { id: 'camp_wfzCvil55m05zpxafISmc', type: 'loyalty' },
    reward: {
      name: 'Webhook points',
      redemptionDate: '2023-09-21T10:08:06.614367478Z',
      rewardId: 'rewd_cYjMQ9495B3HIWduEv9qp',
    },
  };
  return customerRewarded(o, fixture, { points: 0 });
}

const COUPON_CAMPAIGN = { id: 'camp_Qx81ZrT0aLmNc2Vb7YpKd', type: 'distribution' };
const COUPON_EXPIRES_AT = '2023-12-31T00:00:00Z';

/** coupon.created: not about a customer, so `source_id` is empty. */
export function couponCreated(o: {
  code: string;
  campaign?: CampaignRef;
  discount?: { type: string; value: number };
  expiresAt?: string;
}): RehookBody {
  return body('coupon.created', '', {
    campaign: campaignOf(o.campaign, COUPON_CAMPAIGN),
    coupon: {
      code: o.code,
      discount: o.discount ?? { type: 'percentage', value: 10 },
      expiration_date: o.expiresAt ?? COUPON_EXPIRES_AT,
    },
  });
}

/** coupon.rewarded: the coupon is assigned to a customer (redemption `redemptionId`). */
export function couponRewarded(o: {
  sourceId: string;
  code: string;
  redemptionId: string;
  campaign?: CampaignRef;
  reward?: RewardOptions;
  expiresAt?: string;
}): RehookBody {
  const expiresAt = o.expiresAt ?? COUPON_EXPIRES_AT;
  return body('coupon.rewarded', o.sourceId, {
    campaign: campaignOf(o.campaign, COUPON_CAMPAIGN),
    coupon: o.code,
    custom_fields: null,
    points: 0,
    reward: {
      activation: { days: 0, is_immediate: true, start_date: null },
      expiration: { days: 30, expiration_date: expiresAt, never_expires: false },
      name: o.reward?.name ?? 'Diwali coupon',
      redemption_date: o.reward?.redemptionDate ?? '2023-10-02T09:15:00.1234567Z',
      redemption_id: o.redemptionId,
      reward_id: o.reward?.rewardId ?? 'rewd_Zx3Cv5Bn7Ma9Sd1Fg2Hj4',
    },
    source_id: o.sourceId,
  });
}

/** coupon.redeemed: redemption `redemptionId` of the coupon, with the order it paid. */
export function couponRedeemed(o: {
  sourceId: string;
  code: string;
  redemptionId: string;
  redeemedAt?: string;
  orderTotal?: number;
}): RehookBody {
  return body('coupon.redeemed', o.sourceId, {
    coupon: o.code,
    redemption_id: o.redemptionId,
    redemption_date: o.redeemedAt ?? '2023-10-05T12:00:00.987654321Z',
    order: { total: o.orderTotal ?? 549, mode: 'CARD' },
  });
}

/** coupon.redemption.rollback of redemption `redemptionId` (rollback id `rlbk_<redemptionId>` unless given). */
export function couponRollback(o: {
  sourceId: string;
  code: string;
  redemptionId: string;
  rollbackId?: string;
  reason?: string;
}): RehookBody {
  return body('coupon.redemption.rollback', o.sourceId, {
    coupon: o.code,
    redemption_id: o.redemptionId,
    rollback_id: o.rollbackId ?? `rlbk_${o.redemptionId}`,
    reason: o.reason ?? 'order cancelled',
  });
}

/** customer.segment.entered / customer.segment.left (name `Segment <id>` unless given). */
export function segmentEvent(o: {
  kind: 'entered' | 'left';
  sourceId: string;
  segmentId: string;
  segmentName?: string;
}): RehookBody {
  return body(`customer.segment.${o.kind}`, o.sourceId, {
    SegmentId: o.segmentId,
    SegmentName: o.segmentName ?? `Segment ${o.segmentId}`,
  });
}

/** customer.referred: about the friend (`sourceId` is the friend's), who used the advocate's code. */
export function customerReferred(o: {
  sourceId: string;
  friendId: string;
  advocateId: string;
  campaignId: string;
  code?: string;
}): RehookBody {
  return body('customer.referred', o.sourceId, {
    AdvocateId: o.advocateId,
    CampaignID: o.campaignId,
    Code: o.code ?? 'KRISH10',
    CustomerId: o.friendId,
    Type: 'referral_friend',
  });
}

/** The reward fields of the two "referral successful" events besides the points. */
interface ReferralRewardOptions {
  redemptionId?: string;
  rewardId?: string;
  ruleId?: string;
}

/**
 * customer.referral.successful.advocate, spelled `successfull` as Rehook's payloads are: the
 * advocate's reward (`sourceId` is the advocate's); the friend is `ConnectedCustomerId`. One
 * reward per referral: its redemption id, the event's occurrence key, is derived from the
 * campaign and the two customers unless given.
 */
export function referralAdvocate(
  o: {
    sourceId: string;
    advocateId: string;
    friendId: string;
    campaignId: string;
    points: number;
  } & ReferralRewardOptions,
): RehookBody {
  return body('customer.referral.successfull.advocate', o.sourceId, {
    AdvocateId: o.advocateId,
    CampaignID: o.campaignId,
    CampaignName: '',
    CampaignType: 'referral',
    Code: '',
    ConnectedCustomerId: o.friendId,
    CustomerId: o.advocateId,
    PointsRewarded: o.points,
    RedemptionId: o.redemptionId ?? `redm_adv_${o.campaignId}_${o.advocateId}_${o.friendId}`,
    RewardId: o.rewardId ?? 'rewd_CI0DV1xKAGt9sqpPgKiQc',
    RewardType: 'webhook',
    RuleId: o.ruleId ?? 'valr_v4Sqvq1Nblny8Qt6WkWdR',
    Type: 'referral_advocate',
  });
}

/**
 * customer.referral.successful.friend (`successfull`): the friend's reward (`sourceId` is the
 * friend's); like the documented example, the advocate is "NA" here. Redemption id as for the
 * advocate's.
 */
export function referralFriend(
  o: { sourceId: string; friendId: string; campaignId: string; points: number } & ReferralRewardOptions,
): RehookBody {
  return body('customer.referral.successfull.friend', o.sourceId, {
    AdvocateId: 'NA',
    CampaignID: o.campaignId,
    CampaignName: '',
    CampaignType: 'referral',
    Code: '',
    ConnectedCustomerId: 'NA',
    CustomerId: o.friendId,
    PointsRewarded: o.points,
    RedemptionId: o.redemptionId ?? `redm_friend_${o.campaignId}_${o.friendId}`,
    RewardId: o.rewardId ?? 'rewd_oXodQ9ZkiFqJhKpkh8mcR',
    RewardType: 'webhook',
    RuleId: o.ruleId ?? 'valr_ct1DiY2d2aWll50b4Wo1b',
    Type: 'referral_friend',
  });
}

/**
 * customer.leaderboard.awarded. One award per campaign, leaderboard, recurrence and customer: its
 * redemption id, the event's occurrence key, is derived from those unless given. `score`
 * defaults to 2000 − rank.
 */
export function leaderboardAwarded(o: {
  sourceId: string;
  leaderboardId: string;
  rank: number;
  points: number;
  campaignId?: string;
  start?: string;
  end?: string;
  score?: number;
  redemptionId?: string;
  reward?: { name?: string; rewardId?: string };
}): RehookBody {
  const campaignId = o.campaignId ?? 'camp_Lb7Rk2Mn4Bv6Cx8Za0Sd1';
  const start = o.start ?? '2023-09-01T00:00:00Z';
  return body('customer.leaderboard.awarded', o.sourceId, {
    campaign: { id: campaignId, type: 'leaderboard' },
    leaderboard: {
      id: o.leaderboardId,
      recurrence: { start_date: start, end_date: o.end ?? '2023-09-30T23:59:59Z' },
    },
    rank: o.rank,
    score: o.score ?? 2000 - o.rank,
    points: o.points,
    reward: {
      name: o.reward?.name ?? 'September champion',
      redemption_id:
        o.redemptionId ?? `redm_lb_${campaignId}_${o.leaderboardId}_${o.start ?? 'default'}_${o.sourceId}`,
      reward_id: o.reward?.rewardId ?? 'rewd_Qa2Ws4Ed6Rf8Tg0Yh2Uj4',
    },
  });
}

/** The mirror's own event (origin `mirror`): the shop has credited a webhook reward itself. */
export function rewardFulfilled(o: { redemptionId: string }): RehookBody {
  return {
    event_name: 'mirror.reward.fulfilled',
    metadata: { redemption_id: o.redemptionId },
    source: 'mirror',
    source_id: '',
  };
}
