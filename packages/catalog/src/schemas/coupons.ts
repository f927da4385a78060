import type { z } from 'zod';

import type { CouponCreated, CouponRedeemed, CouponRedemptionRollback, CouponRewarded } from '../events';
import {
  optionalId,
  optionalNumber,
  optionalPoints,
  optionalText,
  requiredCoupon,
  requiredId,
  timestamp,
} from './fields';
import { CampaignPayload, RewardInfoPayload } from './reward-info';
import { tolerantObject } from './tolerant-object';

/*
 * The coupon events' shapes are assumed (the reference prints none). The code is required on
 * all four, since coupons are keyed by it; it may be sent as `metadata.coupon` itself or as
 * `metadata.coupon.code`.
 */

/** coupon.created: the code, its campaign, and the coupon's other fields as details. */
export const CouponCreatedPayload = tolerantObject({
  campaign: CampaignPayload,
  coupon: requiredCoupon,
}).transform((metadata): CouponCreated['data'] => ({
  code: metadata.coupon.code,
  campaignId: metadata.campaign.id,
  details: metadata.coupon.details,
}));
export type CouponCreatedPayload = z.output<typeof CouponCreatedPayload>;

/** coupon.rewarded: a coupon assigned to the customer. */
export const CouponRewardedPayload = tolerantObject({
  campaign: CampaignPayload,
  coupon: requiredCoupon,
  points: optionalPoints,
  reward: RewardInfoPayload,
}).transform((metadata): CouponRewarded['data'] => ({
  code: metadata.coupon.code,
  campaignId: metadata.campaign.id,
  points: metadata.points,
  reward: metadata.reward,
}));
export type CouponRewardedPayload = z.output<typeof CouponRewardedPayload>;

/** coupon.redeemed: redemptions are keyed by `redemption_id`, so it is required. */
export const CouponRedeemedPayload = tolerantObject({
  coupon: requiredCoupon,
  redemption_id: requiredId,
  redemption_date: timestamp,
  order: tolerantObject({ total: optionalNumber }),
}).transform((metadata): CouponRedeemed['data'] => ({
  code: metadata.coupon.code,
  redemptionId: metadata.redemption_id,
  redeemedAt: metadata.redemption_date,
  orderTotal: metadata.order.total,
}));
export type CouponRedeemedPayload = z.output<typeof CouponRedeemedPayload>;

/** coupon.redemption.rollback: undoes the redemption `redemption_id`, which is required. */
export const CouponRedemptionRollbackPayload = tolerantObject({
  coupon: requiredCoupon,
  redemption_id: requiredId,
  rollback_id: optionalId,
  reason: optionalText,
}).transform((metadata): CouponRedemptionRollback['data'] => ({
  code: metadata.coupon.code,
  redemptionId: metadata.redemption_id,
  rollbackId: metadata.rollback_id,
  reason: metadata.reason,
}));
export type CouponRedemptionRollbackPayload = z.output<typeof CouponRedemptionRollbackPayload>;
