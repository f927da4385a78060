import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { CustomerSegment, Segment, SegmentMember } from '../schemas/segments';
import { isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

/**
 * A segment's name: that of its latest report (`segment_names`, one register per customer; the
 * index `(segment_id, stamp)` finds the latest stamp, ties broken by key in code point order as
 * every register is), null if no event named it.
 */
function segmentNameSql(segmentId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT n.name FROM segment_names n WHERE n.segment_id = ${segmentId}
    ORDER BY n.stamp DESC, n.stamp_key COLLATE "C" DESC LIMIT 1)`;
}

/** The segments a customer is in now, as a JSON array subquery (index `segment_memberships(source_id)`). */
export function customerSegmentsJson(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(json_build_object(
      'segmentId', m.segment_id,
      'name', ${segmentNameSql(Prisma.sql`m.segment_id`)},
      'enteredAt', ${isoUtc('m.entered_at')}) ORDER BY m.segment_id), '[]'::json)
    FROM segment_memberships m
    WHERE m.source_id = ${sourceId} AND m.is_member)`;
}

/** The segments a customer is in now, in id order (the customer document's `segments`). */
export async function listCustomerSegments(db: ReadDb, sourceId: string): Promise<CustomerSegment[]> {
  const rows = await db.$queryRaw<{ items: CustomerSegment[] }[]>`
    SELECT ${customerSegmentsJson(Prisma.sql`${sourceId}`)} AS items`;
  return rows[0]?.items ?? [];
}

/**
 * Segments in id order with their current member counts (each an index-only count on
 * `segment_memberships(segment_id, is_member, source_id)`).
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listSegments(
  db: ReadDb,
  page: { after?: string | undefined; limit: number },
): Promise<Segment[]> {
  const rows = await db.$queryRaw<{ item: Segment }[]>`
    SELECT json_build_object(
      'segmentId', s.segment_id,
      'name', ${segmentNameSql(Prisma.sql`s.segment_id`)},
      'memberCount', (SELECT count(*) FROM segment_memberships m
                      WHERE m.segment_id = s.segment_id AND m.is_member)) AS item
    FROM segments s
    ${whereAll([page.after === undefined ? undefined : Prisma.sql`s.segment_id > ${page.after}`])}
    ORDER BY s.segment_id
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => row.item);
}

/**
 * Current members of a segment in source-id order.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listSegmentMembers(
  db: ReadDb,
  segmentId: string,
  page: { after?: string | undefined; limit: number },
): Promise<SegmentMember[]> {
  const rows = await db.$queryRaw<{ item: SegmentMember }[]>`
    SELECT json_build_object('sourceId', m.source_id, 'enteredAt', ${isoUtc('m.entered_at')}) AS item
    FROM segment_memberships m
    ${whereAll([
      Prisma.sql`m.segment_id = ${segmentId}`,
      Prisma.sql`m.is_member`,
      page.after === undefined ? undefined : Prisma.sql`m.source_id > ${page.after}`,
    ])}
    ORDER BY m.source_id
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => row.item);
}

/** Whether any event has named the segment (it may have no members now). */
export async function segmentExists(db: ReadDb, segmentId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ known: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM segments WHERE segment_id = ${segmentId})
        OR EXISTS (SELECT 1 FROM segment_memberships WHERE segment_id = ${segmentId}) AS known`;
  return rows[0]?.known === true;
}
