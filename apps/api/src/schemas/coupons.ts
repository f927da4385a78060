import { z } from 'zod';
import { JsonValue, Timestamp } from './common';
import { named } from './registry';

/** Derived at read time: `redeemed` while a redemption is not rolled back, else `assigned` once held. */
export const CouponStatus = z.enum(['created', 'assigned', 'redeemed']);
export type CouponStatus = z.infer<typeof CouponStatus>;

/** A coupon as listed in a customer document. */
export const CustomerCoupon = named(
  'CustomerCoupon',
  z.strictObject({
    code: z.string(),
    status: CouponStatus,
    campaignId: z.string().nullable(),
    assignedAt: Timestamp.nullable(),
  }),
);
export type CustomerCoupon = z.infer<typeof CustomerCoupon>;

/** `GET /v1/customers/{sourceId}/coupons`: the coupons the customer holds, in code order. */
export const CustomerCouponList = named(
  'CustomerCouponList',
  z.strictObject({ items: z.array(CustomerCoupon) }),
);
export type CustomerCouponList = z.infer<typeof CustomerCouponList>;

export const CouponRedemption = named(
  'CouponRedemption',
  z.strictObject({
    redemptionId: z.string(),
    sourceId: z.string().nullable(),
    /** Null when only the rollback has been seen so far. */
    redeemedAt: Timestamp.nullable(),
    rolledBack: z.boolean(),
    rolledBackAt: Timestamp.nullable(),
    rollbackReason: z.string().nullable(),
  }),
);
export type CouponRedemption = z.infer<typeof CouponRedemption>;

/** `GET /v1/coupons/{code}`. */
export const Coupon = named(
  'Coupon',
  z.strictObject({
    code: z.string(),
    status: CouponStatus,
    /** The holder (coupon.rewarded); null while unassigned. */
    sourceId: z.string().nullable(),
    campaignId: z.string().nullable(),
    createdAt: Timestamp.nullable(),
    assignedAt: Timestamp.nullable(),
    /** Attributes from coupon.created (discount, expiry), as Rehook sent them. */
    details: z.record(z.string(), JsonValue).nullable(),
    redemptions: z.array(CouponRedemption),
  }),
);
export type Coupon = z.infer<typeof Coupon>;
