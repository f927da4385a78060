import { z } from 'zod';

import type { CustomerRewarded } from '../events';
import { optionalCouponCode, pointsAsSent } from './fields';
import { CampaignPayload, RewardInfoPayload } from './reward-info';
import { readWalletEntry, WalletPayload } from './wallet';
import { tolerantObject } from './tolerant-object';

/**
 * customer.rewarded, in its two kinds (DESIGN.md):
 * - wallet reward: `metadata.wallet.transaction_id` is there, Rehook has already credited the
 *   wallet, and the event is a ledger credit of `wallet.points` (a transaction id and valid
 *   points are then required, as on wallet.credited);
 * - webhook reward: no transaction id (the wallet is `{}`, `{points: 0}`, `null` or missing), the
 *   shop must credit `metadata.points` itself; the pending reward is keyed by
 *   `reward.redemption_id`, which is then required.
 */
export const CustomerRewardedPayload = tolerantObject({
  campaign: CampaignPayload,
  coupon: optionalCouponCode,
  points: pointsAsSent,
  reward: RewardInfoPayload,
  wallet: WalletPayload,
}).transform((metadata, ctx): CustomerRewarded['data'] => {
  const { amount } = metadata.points;
  // Points to credit are added up by projections: a negative amount is an error, while an
  // unreadable one only leaves them unknown (the wallet entry carries its own points).
  if (typeof amount === 'number' && amount < 0) {
    ctx.addIssue({ code: 'custom', message: 'must not be negative', path: ['points'] });
    return z.NEVER;
  }
  const common = {
    points: typeof amount === 'number' ? amount : null,
    campaignId: metadata.campaign.id,
    campaignType: metadata.campaign.type,
    coupon: metadata.coupon,
    reward: metadata.reward,
  };
  if (metadata.wallet.transaction_id.id !== null) {
    const wallet = readWalletEntry(metadata, 'credit', ctx);
    return wallet === null ? z.NEVER : { kind: 'wallet', ...common, wallet };
  }
  if (metadata.reward.redemptionId === null) {
    ctx.addIssue({
      code: 'custom',
      message: 'is missing (a webhook reward, with no wallet transaction, is keyed by it)',
      path: ['reward', 'redemption_id'],
    });
    return z.NEVER;
  }
  return { kind: 'webhook', ...common, wallet: null };
});
export type CustomerRewardedPayload = z.output<typeof CustomerRewardedPayload>;
