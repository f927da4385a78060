import { z } from 'zod';
import { Amount, pageOf, Timestamp } from './common';
import { named } from './registry';

/** One side of a referral: Rehook's id, and the shop's source id once the identity map knows it. */
export const ReferralParty = named(
  'ReferralParty',
  z.strictObject({
    rehookCustomerId: z.string(),
    sourceId: z.string().nullable(),
  }),
);
export type ReferralParty = z.infer<typeof ReferralParty>;

export const Referral = named(
  'Referral',
  z.strictObject({
    campaignId: z.string(),
    code: z.string().nullable(),
    /** Null while no event has named the advocate (Rehook sends "NA"). */
    advocate: ReferralParty.nullable(),
    friend: ReferralParty,
    referredAt: Timestamp.nullable(),
    friendRewardedAt: Timestamp.nullable(),
    friendRewardedPoints: Amount.nullable(),
    advocateRewardedAt: Timestamp.nullable(),
    advocateRewardedPoints: Amount.nullable(),
  }),
);
export type Referral = z.infer<typeof Referral>;

/** A customer's referrals both ways (`GET /v1/customers/{sourceId}/referrals`, and the document's). */
export const CustomerReferrals = named(
  'CustomerReferrals',
  z.strictObject({
    /** Referrals in which this customer is the advocate. */
    asAdvocate: z.array(Referral),
    /** Referrals in which this customer is the friend (one per referral campaign). */
    asFriend: z.array(Referral),
  }),
);
export type CustomerReferrals = z.infer<typeof CustomerReferrals>;
export const ReferralPage = pageOf('ReferralPage', Referral);
export type ReferralPage = z.infer<typeof ReferralPage>;
