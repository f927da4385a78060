import type { z } from 'zod';

import type { EventData } from '../event-of';
import type { EventName } from '../events';
import {
  CouponCreatedPayload,
  CouponRedeemedPayload,
  CouponRedemptionRollbackPayload,
  CouponRewardedPayload,
} from './coupons';
import { CustomerRewardedPayload } from './customer-rewarded';
import { RewardFulfilledPayload } from './internal';
import { LeaderboardAwardedPayload } from './leaderboard';
import { OrderSuccessPayload } from './order';
import {
  CustomerCreatedPayload,
  CustomerMetaUpdatedPayload,
  CustomerUpdatedPayload,
  SignupPayload,
} from './profile';
import { CustomerReferredPayload, ReferralAdvocatePayload, ReferralFriendPayload } from './referrals';
import { SegmentEnteredPayload, SegmentLeftPayload } from './segments';
import { WalletCreditedPayload, WalletDebitedPayload } from './wallet';

export * from './coupons';
export * from './customer-rewarded';
export * from './internal';
export * from './leaderboard';
export * from './order';
export * from './profile';
export * from './referrals';
export * from './reward-info';
export * from './segments';
export * from './wallet';

/**
 * The payload schema of every canonical event: it parses an event's `metadata` into the event's
 * `data`. The mapped type makes a missing event, or a schema whose output does not match its
 * event's data, a compile error.
 */
export const PAYLOAD_SCHEMAS: { readonly [N in EventName]: z.ZodType<EventData<N>> } = {
  'customer.rewarded': CustomerRewardedPayload,
  order_success: OrderSuccessPayload,
  signup: SignupPayload,
  'coupon.rewarded': CouponRewardedPayload,
  'coupon.created': CouponCreatedPayload,
  'coupon.redeemed': CouponRedeemedPayload,
  'customer.meta.updated': CustomerMetaUpdatedPayload,
  'customer.referred': CustomerReferredPayload,
  'customer.referral.successful.advocate': ReferralAdvocatePayload,
  'customer.referral.successful.friend': ReferralFriendPayload,
  'customer.leaderboard.awarded': LeaderboardAwardedPayload,
  'customer.created': CustomerCreatedPayload,
  'coupon.redemption.rollback': CouponRedemptionRollbackPayload,
  'customer.updated': CustomerUpdatedPayload,
  'customer.segment.entered': SegmentEnteredPayload,
  'customer.segment.left': SegmentLeftPayload,
  'wallet.credited': WalletCreditedPayload,
  'wallet.debited': WalletDebitedPayload,
  'mirror.reward.fulfilled': RewardFulfilledPayload,
};
