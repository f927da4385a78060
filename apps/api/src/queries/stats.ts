import type { ReadDb } from '../deps';
import type { EventStatus } from '../schemas/events';
import type { EventsPerMinute } from '../schemas/stats';
import { isoUtc } from '../sql/json';

/** Stored events counted by canonical name and status. */
export interface EventCount {
  name: string | null;
  status: EventStatus;
  count: number;
  /** Receipt time of the newest of them: when the mirror last heard of this name. */
  lastReceivedAt: string;
}

/**
 * Events by name and status. This one reads the whole event store (a sequential scan, or an
 * index-only one): fine for an operator endpoint, and the reason it is not on any hot path.
 */
export async function countEventsByNameAndStatus(db: ReadDb): Promise<EventCount[]> {
  return db.$queryRaw<EventCount[]>`
    SELECT name, status::text AS status, count(*)::int AS count,
      ${isoUtc('max(received_at)')} AS "lastReceivedAt"
    FROM events GROUP BY name, status ORDER BY name NULLS LAST, status`;
}

/** The newest stored event (by `seq`, an index lookup): when it was received and stored. */
export async function newestStoredEvent(db: ReadDb): Promise<{ receivedAt: Date; storedAt: Date } | null> {
  const rows = await db.$queryRaw<{ receivedAt: Date; storedAt: Date }[]>`
    SELECT received_at AS "receivedAt", stored_at AS "storedAt" FROM events ORDER BY seq DESC LIMIT 1`;
  return rows[0] ?? null;
}

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
