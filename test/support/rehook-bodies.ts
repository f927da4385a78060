// Rehook webhook bodies in the wire format of the reference (mixed casing, typos and all), for
// tests and benchmarks that need many distinct events. Shapes follow the shared fixtures.

/** A webhook body as Rehook sends it. */
export type RehookBody = Record<string, unknown>;

const envelope = (eventName: string, sourceId: string, metadata: Record<string, unknown>): RehookBody => ({
  event_name: eventName,
  metadata,
  source: 'rehook',
  source_id: sourceId,
});

const wallet = (transactionId: string, points: number, type: string) => ({
  created_at: '2023-09-22T10:12:48.68849339Z',
  description: 'Wallet points have been successfully credited to your account.',
  points,
  transaction_id: transactionId,
  type,
  updated_at: '2023-09-22T10:12:48.68849339Z',
});

const reward = (redemptionId: string, name: string) => ({
  activation: { days: 1, is_immediate: true, start_date: null },
  expiration: { days: 1, expiration_date: null, never_expires: true },
  name,
  redemption_date: '2023-09-21T07:46:56.8421482Z',
  redemption_id: redemptionId,
  reward_id: `rewd_${redemptionId}`,
});

/** Builders of every event the worker projects, by canonical name. */
export const rehookBodies = {
  walletCredited: (sourceId: string, transactionId: string, points: number) =>
    envelope('wallet.credited', sourceId, { points, wallet: wallet(transactionId, points, 'credit') }),
  /** As documented: the payload says `"type": "credit"` even for a debit. */
  walletDebited: (sourceId: string, transactionId: string, points: number) =>
    envelope('wallet.debited', sourceId, { points, wallet: wallet(transactionId, points, 'credit') }),
  walletReward: (sourceId: string, transactionId: string, points: number, redemptionId: string) =>
    envelope('customer.rewarded', sourceId, {
      campaign: { id: 'camp_loyalty', type: 'loyalty' },
      coupon: null,
      custom_fields: null,
      points,
      reward: reward(redemptionId, 'order success reward'),
      source_id: sourceId,
      wallet: {
        created_at: '0001-01-01T00:00:00Z',
        description: 'Wallet points have been successfully credited to your account.',
        points,
        transaction_id: transactionId,
        updated_at: '0001-01-01T00:00:00Z',
      },
    }),
  webhookReward: (sourceId: string, redemptionId: string, points: number) =>
    envelope('customer.rewarded', sourceId, {
      campaign: { id: 'camp_webhook', type: 'loyalty' },
      coupon: null,
      custom_fields: null,
      points,
      reward: reward(redemptionId, 'Webhook points'),
      source_id: sourceId,
      wallet: { points: 0 },
    }),
  orderSuccess: (sourceId: string, total: number, orderMarker: string) =>
    envelope('order_success', sourceId, {
      cart: [{ id: orderMarker, title: 'iPhone 9', price: total, quantity: 1 }],
      mode: 'CARD',
      total,
    }),
  customerCreated: (sourceId: string, rehookId: string) =>
    envelope('customer.created', sourceId, { CustomerID: rehookId }),
  customerUpdated: (sourceId: string, rehookId: string, fields: Record<string, unknown>) =>
    envelope('customer.updated', sourceId, { CustomerID: rehookId, ...fields }),
  customerMetaUpdated: (sourceId: string, rehookId: string, properties: Record<string, unknown>) =>
    envelope('customer.meta.updated', sourceId, { CustomerID: rehookId, properties }),
  signup: (sourceId: string, rehookId: string, fields: Record<string, unknown>) =>
    envelope('signup', sourceId, { CustomerID: rehookId, ...fields }),
  couponCreated: (code: string, campaignId: string) =>
    envelope('coupon.created', '', {
      campaign: { id: campaignId, type: 'distribution' },
      coupon: { code, discount: { type: 'percentage', value: 10 }, expiration_date: '2023-12-31T00:00:00Z' },
    }),
  couponRewarded: (sourceId: string, code: string, campaignId: string) =>
    envelope('coupon.rewarded', sourceId, {
      campaign: { id: campaignId, type: 'distribution' },
      coupon: code,
      custom_fields: null,
      points: 0,
      reward: reward(`redm_cpn_${code}_${sourceId}`, 'coupon'),
      source_id: sourceId,
    }),
  couponRedeemed: (sourceId: string, code: string, redemptionId: string) =>
    envelope('coupon.redeemed', sourceId, {
      coupon: code,
      redemption_id: redemptionId,
      redemption_date: '2023-10-05T12:00:00.987654321Z',
      order: { total: 549, mode: 'CARD' },
    }),
  couponRollback: (sourceId: string, code: string, redemptionId: string) =>
    envelope('coupon.redemption.rollback', sourceId, {
      coupon: code,
      redemption_id: redemptionId,
      rollback_id: `rlbk_${redemptionId}`,
      reason: 'order cancelled',
    }),
  /** customer.referred, about the friend (its source id), naming the advocate by Rehook id. */
  referred: (friendSourceId: string, friendId: string, advocateId: string, campaignId: string) =>
    envelope('customer.referred', friendSourceId, {
      AdvocateId: advocateId,
      CampaignID: campaignId,
      Code: 'KRISH10',
      CustomerId: friendId,
      Type: 'referral_friend',
    }),
  /** With Rehook's typo, as the reference's payload spells it. */
  referralFriend: (friendSourceId: string, friendId: string, campaignId: string, points: number) =>
    envelope('customer.referral.successfull.friend', friendSourceId, {
      AdvocateId: 'NA',
      CampaignID: campaignId,
      CampaignName: '',
      CampaignType: 'referral',
      Code: '',
      ConnectedCustomerId: 'NA',
      CustomerId: friendId,
      PointsRewarded: points,
      RedemptionId: `redm_friend_${friendId}`,
      RewardId: 'rewd_friend',
      RewardType: 'webhook',
      RuleId: 'valr_friend',
      Type: 'referral_friend',
    }),
  referralAdvocate: (
    advocateSourceId: string,
    advocateId: string,
    friendId: string,
    campaignId: string,
    points: number,
  ) =>
    envelope('customer.referral.successfull.advocate', advocateSourceId, {
      AdvocateId: advocateId,
      CampaignID: campaignId,
      CampaignName: '',
      CampaignType: 'referral',
      Code: '',
      ConnectedCustomerId: friendId,
      CustomerId: advocateId,
      PointsRewarded: points,
      RedemptionId: `redm_advocate_${advocateId}_${friendId}`,
      RewardId: 'rewd_advocate',
      RewardType: 'webhook',
      RuleId: 'valr_advocate',
      Type: 'referral_advocate',
    }),
  leaderboardAwarded: (sourceId: string, leaderboardId: string, rank: number, points: number) =>
    envelope('customer.leaderboard.awarded', sourceId, {
      campaign: { id: 'camp_leaderboard', type: 'leaderboard' },
      leaderboard: {
        id: leaderboardId,
        recurrence: { start_date: '2023-09-01T00:00:00Z', end_date: '2023-09-30T23:59:59Z' },
      },
      rank,
      score: 1000 - rank,
      points,
      reward: {
        name: 'September champion',
        redemption_id: `redm_lb_${sourceId}_${rank}`,
        reward_id: 'rewd_lb',
      },
    }),
  segmentEntered: (sourceId: string, segmentId: string, name: string) =>
    envelope('customer.segment.entered', sourceId, { SegmentId: segmentId, SegmentName: name }),
  segmentLeft: (sourceId: string, segmentId: string, name: string) =>
    envelope('customer.segment.left', sourceId, { SegmentId: segmentId, SegmentName: name }),
  /** The API's internal event (recorded with origin `mirror`). */
  rewardFulfilled: (redemptionId: string) =>
    ({
      event_name: 'mirror.reward.fulfilled',
      metadata: { redemption_id: redemptionId },
      source: 'mirror',
      source_id: '',
    }) satisfies RehookBody,
};
