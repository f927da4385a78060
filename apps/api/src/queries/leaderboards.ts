import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { LeaderboardAward } from '../schemas/leaderboards';
import { amount, isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';

/** An award as JSON, from `leaderboard_awards a`. */
const awardJson = Prisma.sql`json_build_object(
  'campaignId', a.campaign_id,
  'leaderboardId', a.leaderboard_id,
  'recurrenceStart', nullif(a.recurrence, ''),
  'recurrenceEnd', ${isoUtc('a.recurrence_end')},
  'sourceId', a.source_id,
  'rank', a.rank,
  'score', ${amount('a.score')},
  'points', ${amount('a.points')},
  'rewardName', a.reward_name,
  'redemptionId', a.redemption_id,
  'awardedAt', ${isoUtc('a.awarded_at')})`;

/** A customer's leaderboard awards, as a JSON array subquery (index `leaderboard_awards(source_id)`). */
export function customerAwardsJson(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT coalesce(json_agg(${awardJson}
      ORDER BY a.awarded_at, a.campaign_id, a.leaderboard_id, a.recurrence), '[]'::json)
    FROM leaderboard_awards a WHERE a.source_id = ${sourceId})`;
}

/** Where a page of awards starts: the primary key (after the campaign) of the previous page's last row. */
export interface AwardCursorKey {
  leaderboardId: string;
  /** As stored: "" when Rehook sent no recurrence. */
  recurrence: string;
  sourceId: string;
}

/**
 * A campaign's awards in primary-key order (leaderboard, recurrence, customer), an index range
 * scan on the primary key.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listCampaignAwards(
  db: ReadDb,
  campaignId: string,
  filter: { leaderboardId?: string | undefined },
  page: { after?: AwardCursorKey | undefined; limit: number },
): Promise<LeaderboardAward[]> {
  const after = page.after;
  const rows = await db.$queryRaw<{ item: LeaderboardAward }[]>`
    SELECT ${awardJson} AS item FROM leaderboard_awards a
    ${whereAll([
      Prisma.sql`a.campaign_id = ${campaignId}`,
      filter.leaderboardId === undefined ? undefined : Prisma.sql`a.leaderboard_id = ${filter.leaderboardId}`,
      after === undefined
        ? undefined
        : Prisma.sql`(a.leaderboard_id, a.recurrence, a.source_id)
            > (${after.leaderboardId}, ${after.recurrence}, ${after.sourceId})`,
    ])}
    ORDER BY a.leaderboard_id, a.recurrence, a.source_id
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => row.item);
}

/** Whether any award of the campaign has been seen. */
export async function campaignHasAwards(db: ReadDb, campaignId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ known: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM leaderboard_awards WHERE campaign_id = ${campaignId}) AS known`;
  return rows[0]?.known === true;
}
