import type { ReadDb } from '../deps';
import type { EventsPerMinute } from '../schemas/stats';
import { isoUtc } from '../sql/json';

/**
 * How many of the newest events {@link eventsPerMinute} reads at most: the events table has no
 * index on receipt time, so the window is cut from the tail of the feed (`seq`, its primary
 * key) and stays cheap however large the store grows.
 */
export const EVENTS_PER_MINUTE_SCAN = 100_000;

/**
 * Stored events per minute of receipt and canonical name (`null`: unrecognized or unreadable),
 * from `since` on, among the newest {@link EVENTS_PER_MINUTE_SCAN} events; `truncated` says
 * whether older events of the window were left out.
 */
export async function eventsPerMinute(db: ReadDb, since: Date): Promise<EventsPerMinute> {
  const rows = await db.$queryRaw<{ doc: Omit<EventsPerMinute, 'since'> }[]>`
    WITH recent AS (
      SELECT name, received_at FROM events ORDER BY seq DESC LIMIT ${EVENTS_PER_MINUTE_SCAN}
    ), per_minute AS (
      SELECT date_trunc('minute', received_at) AS minute, name, count(*)::int AS count
      FROM recent WHERE received_at >= ${since} GROUP BY 1, 2
    )
    SELECT json_build_object(
      -- The scan was full and all of it inside the window: older events of the window were cut.
      'truncated', (SELECT count(*) >= ${EVENTS_PER_MINUTE_SCAN} AND min(received_at) >= ${since}
                    FROM recent),
      'counts', (SELECT coalesce(json_agg(json_build_object(
          'minute', ${isoUtc('minute')}, 'name', name, 'count', count)
          ORDER BY minute, name NULLS LAST), '[]'::json) FROM per_minute)) AS doc`;
  const doc = rows[0]?.doc ?? { truncated: false, counts: [] };
  return { since: since.toISOString(), ...doc };
}
