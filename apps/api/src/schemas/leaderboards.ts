import { z } from 'zod';
import { Amount, pageOf, Timestamp } from './common';
import { named } from './registry';

export const LeaderboardAward = named(
  'LeaderboardAward',
  z.strictObject({
    campaignId: z.string(),
    leaderboardId: z.string(),
    /** Start of the recurrence exactly as Rehook sent it; null when it sent none. */
    recurrenceStart: z.string().nullable(),
    recurrenceEnd: Timestamp.nullable(),
    sourceId: z.string(),
    rank: z.int().nullable(),
    score: Amount.nullable(),
    points: Amount.nullable(),
    rewardName: z.string().nullable(),
    redemptionId: z.string().nullable(),
    awardedAt: Timestamp,
  }),
);
export type LeaderboardAward = z.infer<typeof LeaderboardAward>;
export const LeaderboardAwardPage = pageOf('LeaderboardAwardPage', LeaderboardAward);
export type LeaderboardAwardPage = z.infer<typeof LeaderboardAwardPage>;
