import type { z } from 'zod';

import type { ReferralEvent } from '../events';
import { optionalId, optionalPoints, requiredId } from './fields';
import { tolerantObject } from './tolerant-object';

/*
 * The three referral events. A referral is keyed by (campaign, friend's Rehook id), so both are
 * required; every other id is "NA" or "" when Rehook does not know it, and reads as null.
 * `PointsRewarded` is recorded on the referral only: the reward itself arrives as its own
 * customer.rewarded (DESIGN.md), so it never becomes a pending reward here.
 */

type ReferralData = ReferralEvent['data'];

/**
 * customer.referred: the friend (`CustomerId`, the customer of `source_id`) logged in with the
 * advocate's (`AdvocateId`) code. It carries no points.
 */
export const CustomerReferredPayload = tolerantObject({
  CampaignID: requiredId,
  CustomerId: requiredId,
  AdvocateId: optionalId,
  Code: optionalId,
  RedemptionId: optionalId,
}).transform((metadata): ReferralData => ({
  campaignId: metadata.CampaignID,
  friendCustomerId: metadata.CustomerId,
  advocateCustomerId: metadata.AdvocateId,
  subjectCustomerId: metadata.CustomerId,
  code: metadata.Code,
  pointsRewarded: null,
  redemptionId: metadata.RedemptionId,
}));
export type CustomerReferredPayload = z.output<typeof CustomerReferredPayload>;

/**
 * customer.referral.successful.friend: the friend (`CustomerId`, the customer of `source_id`)
 * earned their referral reward. `AdvocateId` is "NA" in the documented example.
 */
export const ReferralFriendPayload = tolerantObject({
  CampaignID: requiredId,
  CustomerId: requiredId,
  AdvocateId: optionalId,
  Code: optionalId,
  PointsRewarded: optionalPoints,
  RedemptionId: optionalId,
}).transform((metadata): ReferralData => ({
  campaignId: metadata.CampaignID,
  friendCustomerId: metadata.CustomerId,
  advocateCustomerId: metadata.AdvocateId,
  subjectCustomerId: metadata.CustomerId,
  code: metadata.Code,
  pointsRewarded: metadata.PointsRewarded,
  redemptionId: metadata.RedemptionId,
}));
export type ReferralFriendPayload = z.output<typeof ReferralFriendPayload>;

/**
 * customer.referral.successful.advocate: the advocate (`CustomerId`, the customer of
 * `source_id`; `AdvocateId` repeats it) earned a reward for the friend `ConnectedCustomerId`.
 * Without a known friend the referral has no key, so "NA" there makes the event invalid.
 */
export const ReferralAdvocatePayload = tolerantObject({
  CampaignID: requiredId,
  ConnectedCustomerId: requiredId,
  CustomerId: optionalId,
  AdvocateId: optionalId,
  Code: optionalId,
  PointsRewarded: optionalPoints,
  RedemptionId: optionalId,
}).transform((metadata): ReferralData => ({
  campaignId: metadata.CampaignID,
  friendCustomerId: metadata.ConnectedCustomerId,
  advocateCustomerId: metadata.CustomerId ?? metadata.AdvocateId,
  subjectCustomerId: metadata.CustomerId,
  code: metadata.Code,
  pointsRewarded: metadata.PointsRewarded,
  redemptionId: metadata.RedemptionId,
}));
export type ReferralAdvocatePayload = z.output<typeof ReferralAdvocatePayload>;
