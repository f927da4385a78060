import type { WebhookBullQueue } from '@mirror/queue';

/** The job states the stats count. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States of jobs not yet processed: how deep the queue is. */
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized'] as const;

/** A job that exhausted its retries (never its body: it holds customer data). */
export interface FailedJob {
  jobId: string;
  idempotencyKey: string | null;
  failedReason: string | null;
  attemptsMade: number;
  failedAt: string | null;
}

/** The webhook queue as `/v1/stats` and `mirror stats` show it. */
export interface QueueStats {
  name: string;
  counts: Record<JobState, number>;
  /** Paused (by hand, or by an older version's rebuild): nothing is projected until `mirror resume`. */
  paused: boolean;
  /** The most recently failed jobs; `pnpm mirror retry-failed` retries them. */
  recentFailedJobs: FailedJob[];
}

/** Jobs by state, and the age of the oldest waiting one: the workers' backlog. */
export interface QueueBacklog {
  counts: Record<JobState, number>;
  /** Jobs not yet processed (waiting, active, delayed, prioritized). */
  depth: number;
  /** Age of the oldest job still waiting for a worker, ms; null when none waits. */
  oldestWaitingAgeMs: number | null;
}

/** {@link QueueBacklog}: what the stats and the worker's queue gauges read at each scrape. */
export async function queueBacklog(queue: WebhookBullQueue, now: Date): Promise<QueueBacklog> {
  const [raw, oldestWaiting] = await Promise.all([
    queue.getJobCounts(...JOB_STATES),
    queue.getJobs(['waiting'], 0, 0, true),
  ]);
  const counts = Object.fromEntries(JOB_STATES.map((state) => [state, raw[state] ?? 0])) as Record<
    JobState,
    number
  >;
  const oldest = oldestWaiting[0];
  return {
    counts,
    depth: PENDING_STATES.reduce((sum, state) => sum + counts[state], 0),
    oldestWaitingAgeMs: oldest === undefined ? null : Math.max(0, now.getTime() - oldest.timestamp),
  };
}

/** The queue's backlog, whether it is paused, and its latest failed jobs (at most `failedLimit`). */
export async function queueReport(
  queue: WebhookBullQueue,
  options: { now: Date; failedLimit: number },
): Promise<{ stats: QueueStats; backlog: QueueBacklog }> {
  const [backlog, failed, paused] = await Promise.all([
    queueBacklog(queue, options.now),
    options.failedLimit > 0 ? queue.getFailed(0, options.failedLimit - 1) : Promise.resolve([]),
    queue.isPaused(),
  ]);
  const recentFailedJobs: FailedJob[] = failed
    .filter((job) => job !== undefined)
    .map((job) => ({
      jobId: job.id ?? '',
      idempotencyKey: typeof job.data?.idempotencyKey === 'string' ? job.data.idempotencyKey : null,
      failedReason: job.failedReason || null,
      attemptsMade: job.attemptsMade,
      failedAt: job.finishedOn === undefined ? null : new Date(job.finishedOn).toISOString(),
    }));
  return { stats: { name: queue.name, counts: backlog.counts, paused, recentFailedJobs }, backlog };
}
