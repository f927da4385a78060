import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import { JsonText } from '../http/json-text';
import type { CustomerSummary } from '../schemas/customers';
import { amount, isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';
import { customerCouponsJson } from './coupons';
import { customerAwardsJson } from './leaderboards';
import { customerReferralsJson } from './referrals';
import { customerSegmentsJson } from './segments';
import { walletSummaryJson } from './wallet';

const summaryJson = Prisma.sql`json_build_object(
  'sourceId', c.source_id,
  'rehookCustomerId', c.rehook_customer_id,
  'firstSeenAt', ${isoUtc('c.first_seen_at')},
  'lastEventAt', ${isoUtc('c.last_event_at')},
  'eventCount', c.event_count)`;

/**
 * The whole customer document in ONE statement, whatever the customer's history: the customer
 * row by primary key, and one correlated subquery per read model (each an index scan on
 * `source_id`, or on the identity map for referrals), which Postgres assembles into the JSON
 * that is sent. One round trip keeps latency flat and the pool free under load; each read
 * model's part lives in that read model's query file. Exported for the benchmark's baseline,
 * which runs this very statement over plain `pg`.
 */
export function customerDocumentSql(sourceId: string): Prisma.Sql {
  const id = Prisma.sql`c.source_id`;
  return Prisma.sql`
    SELECT json_build_object(
      'sourceId', c.source_id,
      'rehookCustomerId', c.rehook_customer_id,
      'properties', (SELECT coalesce(json_object_agg(p.key, p.value ORDER BY p.key), '{}'::json)
                     FROM customer_properties p WHERE p.source_id = c.source_id),
      'firstSeenAt', ${isoUtc('c.first_seen_at')},
      'lastEventAt', ${isoUtc('c.last_event_at')},
      'eventCount', c.event_count,
      'orders', json_build_object(
        'count', c.orders_count,
        'total', ${amount('c.orders_total')},
        'lastOrderAt', ${isoUtc('c.last_order_at')}),
      'wallet', ${walletSummaryJson(id)},
      'coupons', ${customerCouponsJson(id)},
      'segments', ${customerSegmentsJson(id)},
      'referrals', json_build_object(
        'asAdvocate', ${customerReferralsJson(id, 'advocate')},
        'asFriend', ${customerReferralsJson(id, 'friend')}),
      'leaderboardAwards', ${customerAwardsJson(id)})::text AS doc
    FROM customers c
    WHERE c.source_id = ${sourceId}`;
}

/**
 * A customer's document (see {@link customerDocumentSql}), as the JSON text Postgres wrote: it
 * is sent unchanged (a `CustomerDocument`).
 * @returns null when no event has ever named the customer.
 */
export async function findCustomerDocument(db: ReadDb, sourceId: string): Promise<JsonText | null> {
  const rows = await db.$queryRaw<{ doc: string }[]>(customerDocumentSql(sourceId));
  const doc = rows[0]?.doc;
  return doc === undefined ? null : new JsonText(doc);
}

/**
 * Customers in source-id order (the primary key), or the current members of one segment
 * (index `segment_memberships(segment_id, is_member, source_id)`); with a Rehook id, the
 * customers Rehook knows by it (index `customers(rehook_customer_id)`).
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listCustomers(
  db: ReadDb,
  filter: { segmentId?: string | undefined; rehookCustomerId?: string | undefined },
  page: { after?: string | undefined; limit: number },
): Promise<CustomerSummary[]> {
  const { after, limit } = page;
  const rows =
    filter.segmentId === undefined
      ? await db.$queryRaw<{ item: CustomerSummary }[]>`
          SELECT ${summaryJson} AS item FROM customers c
          ${whereAll([
            filter.rehookCustomerId === undefined
              ? undefined
              : Prisma.sql`c.rehook_customer_id = ${filter.rehookCustomerId}`,
            after === undefined ? undefined : Prisma.sql`c.source_id > ${after}`,
          ])}
          ORDER BY c.source_id
          LIMIT ${limit + 1}`
      : await db.$queryRaw<{ item: CustomerSummary }[]>`
          SELECT ${summaryJson} AS item
          FROM segment_memberships m JOIN customers c ON c.source_id = m.source_id
          ${whereAll([
            Prisma.sql`m.segment_id = ${filter.segmentId}`,
            Prisma.sql`m.is_member`,
            filter.rehookCustomerId === undefined
              ? undefined
              : Prisma.sql`c.rehook_customer_id = ${filter.rehookCustomerId}`,
            after === undefined ? undefined : Prisma.sql`m.source_id > ${after}`,
          ])}
          ORDER BY m.source_id
          LIMIT ${limit + 1}`;
  return rows.map((row) => row.item);
}

/**
 * Whether any event about the customer was stored: a customer row, or (for a customer named
 * only by events the catalog could not read) a stored event.
 */
export async function customerKnown(db: ReadDb, sourceId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ known: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM customers WHERE source_id = ${sourceId})
        OR EXISTS (SELECT 1 FROM events WHERE source_id = ${sourceId}) AS known`;
  return rows[0]?.known === true;
}
