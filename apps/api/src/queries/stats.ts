import type { ReadDb } from '../deps';
import type { EventStatus } from '../schemas/events';

/** Stored events counted by canonical name and status. */
export interface EventCount {
  name: string | null;
  status: EventStatus;
  count: number;
}

/**
 * Events by name and status. This one reads the whole event store (a sequential scan, or an
 * index-only one): fine for an operator endpoint, and the reason it is not on any hot path.
 */
export async function countEventsByNameAndStatus(db: ReadDb): Promise<EventCount[]> {
  return db.$queryRaw<EventCount[]>`
    SELECT name, status::text AS status, count(*)::int AS count
    FROM events GROUP BY name, status ORDER BY name NULLS LAST, status`;
}

/** The newest stored event (by `seq`, an index lookup): when it was received and stored. */
export async function newestStoredEvent(db: ReadDb): Promise<{ receivedAt: Date; storedAt: Date } | null> {
  const rows = await db.$queryRaw<{ receivedAt: Date; storedAt: Date }[]>`
    SELECT received_at AS "receivedAt", stored_at AS "storedAt" FROM events ORDER BY seq DESC LIMIT 1`;
  return rows[0] ?? null;
}
