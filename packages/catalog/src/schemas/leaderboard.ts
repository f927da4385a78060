import { z } from 'zod';

import type { LeaderboardAwarded } from '../events';
import { optionalNumber, optionalPoints, requiredId, timestamp } from './fields';
import { RewardInfoPayload } from './reward-info';
import { tolerantObject } from './tolerant-object';

/**
 * The recurrence's start date exactly as sent: it is part of the award's natural key (campaign,
 * leaderboard, recurrence, customer), so it is compared as text, never reparsed (two spellings
 * of one instant would otherwise depend on parsing rules). "" when absent; a value that is not
 * text would make the key ambiguous, so it is an error.
 */
const recurrenceKey = z.transform((value: unknown, ctx): string => {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  ctx.addIssue('must be a string');
  return z.NEVER;
});

/**
 * customer.leaderboard.awarded (shape assumed). Required: `campaign.id` and `leaderboard.id`,
 * which with the recurrence and the customer key the award.
 */
export const LeaderboardAwardedPayload = tolerantObject({
  campaign: tolerantObject({ id: requiredId }),
  leaderboard: tolerantObject({
    id: requiredId,
    recurrence: tolerantObject({ start_date: recurrenceKey, end_date: timestamp }),
  }),
  rank: optionalNumber,
  score: optionalNumber,
  points: optionalPoints,
  reward: RewardInfoPayload,
}).transform((metadata): LeaderboardAwarded['data'] => ({
  campaignId: metadata.campaign.id,
  leaderboardId: metadata.leaderboard.id,
  recurrence: metadata.leaderboard.recurrence.start_date,
  recurrenceEnd: metadata.leaderboard.recurrence.end_date,
  rank: metadata.rank,
  score: metadata.score,
  points: metadata.points,
  reward: metadata.reward,
}));
export type LeaderboardAwardedPayload = z.output<typeof LeaderboardAwardedPayload>;
