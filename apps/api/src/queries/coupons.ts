import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { Coupon, CustomerCoupon } from '../schemas/coupons';
import { isoUtc } from '../sql/json';

/**
 * A coupon's status, derived at read time (DESIGN.md): `redeemed` while it has a redemption
 * that is not rolled back, else `assigned` once someone holds it, else `created`. A redemption
 * row born of a rollback that overtook its redemption is rolled back, so it never counts.
 *
 * @param code - SQL for the coupon code; `holder` - SQL for the holder's source id.
 */
function couponStatusSql(code: Prisma.Sql, holder: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE
    WHEN EXISTS (SELECT 1 FROM coupon_redemptions cr
                 WHERE cr.code = ${code} AND cr.rolled_back_at IS NULL) THEN 'redeemed'
    WHEN ${holder} IS NOT NULL THEN 'assigned'
    ELSE 'created' END`;
}

/** The coupons a customer holds, as a JSON array subquery (index `coupons(source_id)`). */
export function customerCouponsJson(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object(
      'code', cp.code,
      'status', ${couponStatusSql(Prisma.sql`cp.code`, Prisma.sql`cp.source_id`)},
      'campaignId', cp.campaign_id,
      'assignedAt', ${isoUtc('cp.assigned_at')}) ORDER BY cp.code), '[]'::json)
    FROM coupons cp WHERE cp.source_id = ${sourceId})`;
}

/** The coupons a customer holds, in code order (the customer document's `coupons`). */
export async function listCustomerCoupons(db: ReadDb, sourceId: string): Promise<CustomerCoupon[]> {
  const rows = await db.$queryRaw<{ items: CustomerCoupon[] }[]>`
    SELECT ${customerCouponsJson(Prisma.sql`${sourceId}`)} AS items`;
  return rows[0]?.items ?? [];
}

/**
 * A coupon with its redemptions; null when neither the coupon nor any redemption of it has
 * been seen (a redemption may be the first event to name a coupon).
 */
export async function findCoupon(db: ReadDb, code: string): Promise<Coupon | null> {
  const rows = await db.$queryRaw<{ doc: Coupon; known: boolean }[]>`
    SELECT json_build_object(
      'code', k.code,
      'status', ${couponStatusSql(Prisma.sql`k.code`, Prisma.sql`cp.source_id`)},
      'sourceId', cp.source_id,
      'campaignId', cp.campaign_id,
      'createdAt', ${isoUtc('cp.created_at')},
      'assignedAt', ${isoUtc('cp.assigned_at')},
      'details', cp.details,
      'redemptions', (SELECT coalesce(json_agg(json_build_object(
          'redemptionId', cr.redemption_id,
          'sourceId', cr.source_id,
          'redeemedAt', ${isoUtc('cr.redeemed_at')},
          'rolledBack', cr.rolled_back_at IS NOT NULL,
          'rolledBackAt', ${isoUtc('cr.rolled_back_at')},
          'rollbackReason', cr.rollback_reason)
          ORDER BY cr.redeemed_at NULLS LAST, cr.redemption_id), '[]'::json)
        FROM coupon_redemptions cr WHERE cr.code = k.code)) AS doc,
      cp.code IS NOT NULL OR EXISTS (SELECT 1 FROM coupon_redemptions x WHERE x.code = k.code) AS known
    FROM (SELECT ${code}::text AS code) k
    LEFT JOIN coupons cp ON cp.code = k.code`;
  const row = rows[0];
  return row !== undefined && row.known ? row.doc : null;
}
