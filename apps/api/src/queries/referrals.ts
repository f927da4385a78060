import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { CustomerReferrals, Referral } from '../schemas/referrals';
import { amount, isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

/**
 * A referral as JSON, from `referrals r` joined to the identity map as `ai` (advocate) and `fi`
 * (friend): referral events name customers by Rehook id only, and their source ids are
 * resolved here, at read time, so a link appears as soon as both sides are known, in any order.
 */
const referralJson = Prisma.sql`json_build_object(
  'campaignId', r.campaign_id,
  'code', r.code,
  'advocate', CASE WHEN r.advocate_customer_id IS NULL THEN NULL
                   ELSE json_build_object('rehookCustomerId', r.advocate_customer_id,
                                          'sourceId', ai.source_id) END,
  'friend', json_build_object('rehookCustomerId', r.friend_customer_id, 'sourceId', fi.source_id),
  'referredAt', ${isoUtc('r.referred_at')},
  'friendRewardedAt', ${isoUtc('r.friend_rewarded_at')},
  'friendRewardedPoints', ${amount('r.friend_rewarded_points')},
  'advocateRewardedAt', ${isoUtc('r.advocate_rewarded_at')},
  'advocateRewardedPoints', ${amount('r.advocate_rewarded_points')})`;

const referralsWithParties = Prisma.sql`referrals r
  LEFT JOIN customer_identities ai ON ai.rehook_customer_id = r.advocate_customer_id
  LEFT JOIN customer_identities fi ON fi.rehook_customer_id = r.friend_customer_id`;

/** The Rehook ids a customer is known by (index `customer_identities(source_id)`). */
function rehookIdsOf(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT i.rehook_customer_id FROM customer_identities i WHERE i.source_id = ${sourceId})`;
}

/**
 * A customer's referrals as advocate or as friend, as a JSON array subquery
 * (indexes `referrals(advocate_customer_id)` / `referrals(friend_customer_id)`).
 */
export function customerReferralsJson(sourceId: Prisma.Sql, role: 'advocate' | 'friend'): Prisma.Sql {
  const column = role === 'advocate' ? Prisma.sql`r.advocate_customer_id` : Prisma.sql`r.friend_customer_id`;
  return Prisma.sql`(SELECT coalesce(
      json_agg(${referralJson} ORDER BY r.campaign_id, r.friend_customer_id), '[]'::json)
    FROM ${referralsWithParties}
    WHERE ${column} IN ${rehookIdsOf(sourceId)})`;
}

/** A customer's referrals both ways (the customer document's `referrals`). */
export async function findCustomerReferrals(db: ReadDb, sourceId: string): Promise<CustomerReferrals> {
  const id = Prisma.sql`${sourceId}`;
  const rows = await db.$queryRaw<{ referrals: CustomerReferrals }[]>`
    SELECT json_build_object(
      'asAdvocate', ${customerReferralsJson(id, 'advocate')},
      'asFriend', ${customerReferralsJson(id, 'friend')}) AS referrals`;
  return rows[0]?.referrals ?? { asAdvocate: [], asFriend: [] };
}

/** Filters of `GET /v1/referrals`; a party is given by Rehook id or by source id. */
export interface ReferralFilter {
  advocate?: string | undefined;
  friend?: string | undefined;
  campaignId?: string | undefined;
}

/** Where a page of referrals starts: the primary key of the previous page's last row. */
export interface ReferralCursorKey {
  campaignId: string;
  friendCustomerId: string;
}

/** A party given either way: its own Rehook id, or any Rehook id its source id is known by. */
function partyIds(party: string): Prisma.Sql {
  return Prisma.sql`ARRAY(SELECT ${party}::text UNION SELECT i.rehook_customer_id
    FROM customer_identities i WHERE i.source_id = ${party})`;
}

/**
 * Referrals in primary-key order (campaign, friend).
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listReferrals(
  db: ReadDb,
  filter: ReferralFilter,
  page: { after?: ReferralCursorKey | undefined; limit: number },
): Promise<Referral[]> {
  const after = page.after;
  const rows = await db.$queryRaw<{ item: Referral }[]>`
    SELECT ${referralJson} AS item
    FROM ${referralsWithParties}
    ${whereAll([
      filter.advocate === undefined
        ? undefined
        : Prisma.sql`r.advocate_customer_id = ANY (${partyIds(filter.advocate)})`,
      filter.friend === undefined
        ? undefined
        : Prisma.sql`r.friend_customer_id = ANY (${partyIds(filter.friend)})`,
      filter.campaignId === undefined ? undefined : Prisma.sql`r.campaign_id = ${filter.campaignId}`,
      after === undefined
        ? undefined
        : Prisma.sql`(r.campaign_id, r.friend_customer_id)
            > (${after.campaignId}, ${after.friendCustomerId})`,
    ])}
    ORDER BY r.campaign_id, r.friend_customer_id
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => row.item);
}
