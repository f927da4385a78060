import { z } from 'zod';
import { CustomerCoupon } from './coupons';
import { Amount, JsonValue, pageOf, Timestamp } from './common';
import { LeaderboardAward } from './leaderboards';
import { CustomerReferrals } from './referrals';
import { named } from './registry';
import { CustomerSegment } from './segments';
import { WalletSummary } from './wallet';

/** A customer as listed (`GET /v1/customers`). */
export const CustomerSummary = named(
  'CustomerSummary',
  z.strictObject({
    sourceId: z.string(),
    rehookCustomerId: z.string().nullable(),
    firstSeenAt: Timestamp,
    lastEventAt: Timestamp,
    eventCount: z.int().nonnegative(),
  }),
);
export type CustomerSummary = z.infer<typeof CustomerSummary>;
export const CustomerPage = pageOf('CustomerPage', CustomerSummary);
export type CustomerPage = z.infer<typeof CustomerPage>;

/** `GET /v1/customers/{sourceId}`: everything the read models know about one customer. */
export const CustomerDocument = named(
  'CustomerDocument',
  z.strictObject({
    sourceId: z.string(),
    rehookCustomerId: z.string().nullable(),
    /** Merged from signup, customer.updated and customer.meta.updated; last writer wins per key. */
    properties: z.record(z.string(), JsonValue),
    firstSeenAt: Timestamp,
    lastEventAt: Timestamp,
    /** Distinct events stored about this customer. */
    eventCount: z.int().nonnegative(),
    orders: z.strictObject({
      count: z.int().nonnegative(),
      total: Amount,
      lastOrderAt: Timestamp.nullable(),
    }),
    wallet: WalletSummary,
    /** Coupons this customer holds. */
    coupons: z.array(CustomerCoupon),
    /** Segments this customer is in now. */
    segments: z.array(CustomerSegment),
    referrals: CustomerReferrals,
    leaderboardAwards: z.array(LeaderboardAward),
  }),
);
export type CustomerDocument = z.infer<typeof CustomerDocument>;
