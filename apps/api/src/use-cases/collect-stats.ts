import { rebuildState } from '@mirror/projections';
import type { WebhookBullQueue, WebhookQueue } from '@mirror/queue';
import type { ReadDb } from '../deps';
import { lastWebhookByEvent, reconcileFreshness } from '../queries/freshness';
import { countEventsByNameAndStatus, newestStoredEvent } from '../queries/stats';
import type { FailedJob, QueueStats, Stats } from '../schemas/stats';

/** How long `/v1/stats` waits for Redis before answering without the queue part. */
const QUEUE_TIMEOUT_MS = 2_000;
const RECENT_FAILED_JOBS = 10;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

interface QueueReport {
  stats: QueueStats;
  oldestWaitingJobAgeMs: number | null;
}

async function queueReport(queue: WebhookBullQueue, now: Date): Promise<QueueReport> {
  const [counts, failed, oldestWaiting, paused] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'),
    queue.getFailed(0, RECENT_FAILED_JOBS - 1),
    queue.getJobs(['waiting'], 0, 0, true),
    queue.isPaused(),
  ]);
  const count = (state: string) => counts[state] ?? 0;
  const recentFailedJobs: FailedJob[] = failed
    .filter((job) => job !== undefined)
    .map((job) => ({
      jobId: job.id ?? '',
      idempotencyKey: typeof job.data?.idempotencyKey === 'string' ? job.data.idempotencyKey : null,
      failedReason: job.failedReason || null,
      attemptsMade: job.attemptsMade,
      failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn).toISOString(),
    }));
  const oldest = oldestWaiting[0];
  const stats: QueueStats = {
    name: queue.name,
    counts: {
      waiting: count('waiting'),
      active: count('active'),
      delayed: count('delayed'),
      prioritized: count('prioritized'),
      failed: count('failed'),
      completed: count('completed'),
    },
    paused,
    recentFailedJobs,
  };
  return {
    stats,
    oldestWaitingJobAgeMs: oldest === undefined ? null : Math.max(0, now.getTime() - oldest.timestamp),
  };
}

/**
 * What `/v1/stats` reports: stored events by name and status, the queue's depth and failures,
 * and how far projection lags behind receipt. Redis being away does not fail the answer: the
 * queue part is then null and `queueError` says why, since the event counts are still useful.
 */
export async function collectStats(deps: { db: ReadDb; queue: WebhookQueue; now: Date }): Promise<Stats> {
  const { db, now } = deps;
  const [counts, newest, rebuild, webhooks, reconcile, queue] = await Promise.all([
    countEventsByNameAndStatus(db),
    newestStoredEvent(db),
    rebuildState(db),
    lastWebhookByEvent(db),
    reconcileFreshness(db),
    // While the connection is down, say so at once rather than wait for BullMQ to give up.
    (deps.queue.redis.status === 'ready'
      ? withTimeout(queueReport(deps.queue.queue, now), QUEUE_TIMEOUT_MS)
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
      oldestWaitingJobAgeMs: queue.ok ? queue.value.oldestWaitingJobAgeMs : null,
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
                status: reconcile.lastRun.status as 'running' | 'succeeded' | 'partial' | 'failed',
                startedAt: reconcile.lastRun.startedAt.toISOString(),
                finishedAt: reconcile.lastRun.finishedAt?.toISOString() ?? null,
              },
        lastSucceededAt: reconcile.lastSucceededAt?.toISOString() ?? null,
      },
    },
  };
}
