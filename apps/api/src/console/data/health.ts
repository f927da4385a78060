import type { WebhookQueue } from '@mirror/queue';
import type { ReadDb } from '../../deps';
import { eventsPerMinute } from '../../queries/stats';
import type { EventsPerMinute, Stats } from '../../schemas/stats';
import { collectStats } from '@mirror/stats';
import { EXPECTED_CHECKS, type CheckRun, type CheckRunSource } from './check-runs';

/** The window of the events-per-minute chart. */
export const HEALTH_WINDOW_MINUTES = 60;

/** What the health page shows. */
export interface Health {
  stats: Stats;
  perMinute: EventsPerMinute;
  /** Every expected check and any other registered one; `run` undefined: not in this build. */
  checks: { title: string; run: CheckRun | null | undefined; error?: string }[];
}

async function readCheck(source: CheckRunSource, db: ReadDb): Promise<Health['checks'][number]> {
  try {
    return { title: source.title, run: await source.lastRun(db) };
  } catch (error) {
    // One broken check must not take the health page down with it.
    return { title: source.title, run: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Reads the health page through `/v1/stats`' and `/v1/stats/events-per-minute`'s functions. */
export async function loadHealth(deps: {
  db: ReadDb;
  queue: WebhookQueue;
  now: Date;
  checks: readonly CheckRunSource[];
}): Promise<Health> {
  const { db, now } = deps;
  const [stats, perMinute, registered] = await Promise.all([
    collectStats({ db, queue: deps.queue, now }),
    eventsPerMinute(db, new Date(now.getTime() - HEALTH_WINDOW_MINUTES * 60_000)),
    Promise.all(deps.checks.map((source) => readCheck(source, db))),
  ]);
  const missing = EXPECTED_CHECKS.filter((title) => !registered.some((c) => c.title === title)).map(
    (title) => ({ title, run: undefined }),
  );
  return { stats, perMinute, checks: [...registered, ...missing] };
}
