import type { z } from 'zod';

import type { RewardInfo } from '../events';
import { optionalId, optionalText, timestamp } from './fields';
import { tolerantObject } from './tolerant-object';

/** `metadata.campaign` (`{id, type}`), on rewards, coupons and leaderboard awards. */
export const CampaignPayload = tolerantObject({ id: optionalId, type: optionalText });
export type CampaignPayload = z.output<typeof CampaignPayload>;

/** `metadata.reward`, on customer.rewarded, coupon.rewarded and leaderboard awards. */
export const RewardInfoPayload = tolerantObject({
  redemption_id: optionalId,
  reward_id: optionalId,
  name: optionalText,
  redemption_date: timestamp,
}).transform((reward): RewardInfo => ({
  redemptionId: reward.redemption_id,
  rewardId: reward.reward_id,
  name: reward.name,
  redemptionDate: reward.redemption_date,
}));
export type RewardInfoPayload = z.output<typeof RewardInfoPayload>;
