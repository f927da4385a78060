import { z } from 'zod';
import { Amount, pageOf, Timestamp } from './common';
import { named } from './registry';

/** A webhook reward: points the shop credits itself, pending until fulfilled through the API. */
export const WebhookReward = named(
  'WebhookReward',
  z.strictObject({
    redemptionId: z.string(),
    /** Null only if Rehook sent the reward without a customer. */
    sourceId: z.string().nullable(),
    points: Amount.nullable(),
    rewardId: z.string().nullable(),
    rewardName: z.string().nullable(),
    campaignId: z.string().nullable(),
    rewardedAt: Timestamp.nullable(),
    status: z.enum(['pending', 'fulfilled']),
    /** The earliest fulfilment; null while pending. */
    fulfilledAt: Timestamp.nullable(),
  }),
);
export type WebhookReward = z.infer<typeof WebhookReward>;
export const WebhookRewardPage = pageOf('WebhookRewardPage', WebhookReward);
export type WebhookRewardPage = z.infer<typeof WebhookRewardPage>;
