import { EVENT_NAMES } from '@mirror/catalog';
import type { StatsDb } from './db';

/** Rehook's event names (the catalog's, without the mirror's internal ones). */
const WEBHOOK_EVENT_NAMES = EVENT_NAMES.filter((name) => !name.startsWith('mirror.'));

/**
 * When the newest webhook of each event name was received (null: never). One index lookup per
 * name (`events(name, seq)`), not a scan: cheap enough for every scrape. Only deliveries from
 * Rehook count, not repairs by reconciliation.
 */
export async function lastWebhookByEvent(
  db: StatsDb,
): Promise<{ name: string; lastReceivedAt: Date | null }[]> {
  return db.$queryRaw<{ name: string; lastReceivedAt: Date | null }[]>`
    SELECT n.name, e.received_at AS "lastReceivedAt"
    FROM unnest(${WEBHOOK_EVENT_NAMES}::text[]) AS n(name)
    LEFT JOIN LATERAL (
      SELECT received_at FROM events
      WHERE name = n.name AND origin = 'webhook'
      ORDER BY seq DESC LIMIT 1) e ON true
    ORDER BY n.name`;
}

export interface ReconcileFreshness {
  /** The newest run (dry runs included), whatever its status. */
  lastRun: {
    id: string;
    status: string;
    startedAt: Date;
    finishedAt: Date | null;
    driftItems: number;
    /** Customers compared with Rehook; 0 in a run over an empty mirror, which its `note` says. */
    customersChecked: number;
    note: string | null;
  } | null;
  /**
   * When the newest run that checked the mirror against Rehook finished: not a dry run,
   * `succeeded`, and over at least one customer. A run over an empty mirror succeeds without
   * asking Rehook anything, so it proves neither that the credentials work nor that the API
   * answers; counted here, it would keep the "reconcile has not succeeded" alert quiet while
   * reconciliation does nothing.
   */
  lastSucceededAt: Date | null;
}

export async function reconcileFreshness(db: StatsDb): Promise<ReconcileFreshness> {
  const [last, succeeded] = await Promise.all([
    db.$queryRaw<NonNullable<ReconcileFreshness['lastRun']>[]>`
      SELECT id::text AS id, status::text AS status, started_at AS "startedAt", finished_at AS "finishedAt",
             drift_items AS "driftItems", customers_checked AS "customersChecked", note
      FROM reconcile_runs ORDER BY started_at DESC, id DESC LIMIT 1`,
    db.$queryRaw<{ at: Date | null }[]>`
      SELECT max(finished_at) AS at FROM reconcile_runs
      WHERE status = 'succeeded' AND NOT dry_run AND customers_checked > 0`,
  ]);
  return { lastRun: last[0] ?? null, lastSucceededAt: succeeded[0]?.at ?? null };
}
