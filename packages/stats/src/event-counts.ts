import { Prisma } from '@mirror/db';
import { ISO_UTC, type StatsDb } from './db';

/** A stored event's status. */
export type EventStatus = 'projected' | 'unrecognized' | 'invalid';

/** Stored events counted by canonical name and status. */
export interface EventCount {
  /** Canonical name; null for unrecognized or unreadable events. */
  name: string | null;
  status: EventStatus;
  count: number;
  /** Receipt time of the newest of them: when the mirror last heard of this name. */
  lastReceivedAt: string;
}

/**
 * Events by name and status. This one reads the whole event store (a sequential scan, or an
 * index-only one): fine for an operator report, and the reason it is not on any hot path.
 */
export async function countEventsByNameAndStatus(db: StatsDb): Promise<EventCount[]> {
  return db.$queryRaw<EventCount[]>`
    SELECT name, status::text AS status, count(*)::int AS count,
      to_char(max(received_at) AT TIME ZONE 'UTC', ${Prisma.raw(ISO_UTC)}) AS "lastReceivedAt"
    FROM events GROUP BY name, status ORDER BY name NULLS LAST, status`;
}

/** The newest stored event (by `seq`, an index lookup): when it was received and stored. */
export async function newestStoredEvent(db: StatsDb): Promise<{ receivedAt: Date; storedAt: Date } | null> {
  const rows = await db.$queryRaw<{ receivedAt: Date; storedAt: Date }[]>`
    SELECT received_at AS "receivedAt", stored_at AS "storedAt" FROM events ORDER BY seq DESC LIMIT 1`;
  return rows[0] ?? null;
}
