import { rebuildState, type RebuildPhase } from '@mirror/projections';
import type { WebhookQueue } from '@mirror/queue';
import type { StatsDb } from './db';
import {
  countEventsByNameAndStatus,
  newestStoredEvent,
  type EventCount,
  type EventStatus,
} from './event-counts';
import { lastWebhookByEvent, reconcileFreshness } from './freshness';
import { queueReport, type QueueStats } from './queue-report';
import { verifyState, type VerifyRunStatus } from '@mirror/verify';

/** How long the stats wait for Redis before answering without the queue part. */
const QUEUE_TIMEOUT_MS = 2_000;

type ReconcileStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/**
 * Everything the mirror says about itself: stored events by name and status, the queue's
 * backlog and failures, the rebuild, how far projection lags behind receipt, and freshness
 * (newest webhook per event name, last reconcile and verify runs). `/v1/stats`, the console's health page
 * and `pnpm mirror stats` all show this one document (the API's schema describes it).
 */
export interface Stats {
  generatedAt: string;
  events: {
    total: number;
    byStatus: Record<EventStatus, number>;
    byNameAndStatus: EventCount[];
  };
  /** Null when Redis could not be asked; `queueError` then says why. */
  queue: QueueStats | null;
  queueError: string | null;
  rebuild: {
    running: boolean;
    latest: {
      id: string;
      status: 'running' | 'succeeded' | 'failed' | 'interrupted';
      phase: RebuildPhase;
      startedAt: string;
      finishedAt: string | null;
      events: number;
      error: string | null;
    } | null;
  };
  projectionLag: {
    oldestWaitingJobAgeMs: number | null;
    newestEventReceivedAt: string | null;
    newestEventAgeMs: number | null;
    newestEventStoreDelayMs: number | null;
  };
  freshness: {
    webhooks: { name: string; lastReceivedAt: string | null; ageMs: number | null }[];
    reconcile: {
      lastRun: {
        id: string;
        status: ReconcileStatus;
        startedAt: string;
        finishedAt: string | null;
        driftItems: number;
        customersChecked: number;
        note: string | null;
      } | null;
      /** When the newest run that succeeded over at least one customer (not a dry run) finished. */
      lastSucceededAt: string | null;
    };
    /** The newest `mirror verify` run, and when one last found no difference. */
    verify: {
      lastRun: {
        id: string;
        trigger: string;
        mode: string;
        status: VerifyRunStatus;
        startedAt: string;
        finishedAt: string | null;
        customersChecked: number;
        differences: number;
        error: string | null;
      } | null;
      lastPassedAt: string | null;
    };
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Collects {@link Stats} from Postgres and Redis. Redis being away does not fail the answer: the
 * queue part is then null and `queueError` says why, since the event counts are still useful.
 */
export async function collectStats(deps: {
  db: StatsDb;
  queue: WebhookQueue;
  now: Date;
  /** How many of the latest failed jobs to list (default 10). */
  failedLimit?: number;
}): Promise<Stats> {
  const { db, now } = deps;
  const [counts, newest, rebuild, webhooks, reconcile, verify, queue] = await Promise.all([
    countEventsByNameAndStatus(db),
    newestStoredEvent(db),
    rebuildState(db),
    lastWebhookByEvent(db),
    reconcileFreshness(db),
    verifyState(db),
    // While the connection is down, say so at once rather than wait for BullMQ to give up.
    (deps.queue.redis.status === 'ready'
      ? withTimeout(
          queueReport(deps.queue.queue, { now, failedLimit: deps.failedLimit ?? 10 }),
          QUEUE_TIMEOUT_MS,
        )
      : Promise.reject(new Error(`Redis is not connected (${deps.queue.redis.status})`))
    ).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({
        ok: false as const,
        error: error instanceof Error ? error.message : String(error),
      }),
    ),
  ]);
  const byStatus = { projected: 0, unrecognized: 0, invalid: 0 };
  for (const row of counts) byStatus[row.status] += row.count;
  return {
    generatedAt: now.toISOString(),
    events: {
      total: byStatus.projected + byStatus.unrecognized + byStatus.invalid,
      byStatus,
      byNameAndStatus: counts,
    },
    queue: queue.ok ? queue.value.stats : null,
    queueError: queue.ok ? null : queue.error,
    rebuild: {
      running: rebuild.running,
      latest:
        rebuild.latest === null
          ? null
          : {
              ...rebuild.latest,
              startedAt: rebuild.latest.startedAt.toISOString(),
              finishedAt: rebuild.latest.finishedAt?.toISOString() ?? null,
            },
    },
    projectionLag: {
      oldestWaitingJobAgeMs: queue.ok ? queue.value.backlog.oldestWaitingAgeMs : null,
      newestEventReceivedAt: newest === null ? null : newest.receivedAt.toISOString(),
      newestEventAgeMs: newest === null ? null : now.getTime() - newest.receivedAt.getTime(),
      newestEventStoreDelayMs:
        newest === null ? null : newest.storedAt.getTime() - newest.receivedAt.getTime(),
    },
    freshness: {
      webhooks: webhooks.map((row) => ({
        name: row.name,
        lastReceivedAt: row.lastReceivedAt?.toISOString() ?? null,
        ageMs: row.lastReceivedAt === null ? null : now.getTime() - row.lastReceivedAt.getTime(),
      })),
      reconcile: {
        lastRun:
          reconcile.lastRun === null
            ? null
            : {
                ...reconcile.lastRun,
                status: reconcile.lastRun.status as ReconcileStatus,
                startedAt: reconcile.lastRun.startedAt.toISOString(),
                finishedAt: reconcile.lastRun.finishedAt?.toISOString() ?? null,
              },
        lastSucceededAt: reconcile.lastSucceededAt?.toISOString() ?? null,
      },
      verify: {
        lastRun:
          verify.lastRun === null
            ? null
            : {
                ...verify.lastRun,
                startedAt: verify.lastRun.startedAt.toISOString(),
                finishedAt: verify.lastRun.finishedAt?.toISOString() ?? null,
              },
        lastPassedAt: verify.lastPassedAt?.toISOString() ?? null,
      },
    },
  };
}
