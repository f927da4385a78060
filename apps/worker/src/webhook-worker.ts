import { Worker } from 'bullmq';
import type { Logger } from '@mirror/logger';
import { DEFAULT_DEDUPE_WINDOW_SECONDS } from '@mirror/delivery-identity';
import { EventRecorder, PreviousVersionRedeliveries, type RecorderClient } from '@mirror/projections';
import { type Redis, WEBHOOK_QUEUE, type WebhookJobData } from '@mirror/queue';
import { createJobHandler } from './process-webhook-job';
import type { WorkerMetrics } from './worker-metrics';

/** Transactions a worker keeps in flight by default (see {@link WebhookWorkerOptions.transactions}). */
export const DEFAULT_WORKER_TRANSACTIONS = 2;

/** What a webhook worker runs on. */
export interface WebhookWorkerDeps {
  prisma: RecorderClient;
  /** A `consumer` Redis connection (waits for Redis forever, as BullMQ workers require). */
  redis: Redis;
  metrics: WorkerMetrics;
  logger: Logger;
}

/** Options of {@link createWebhookWorker}. */
export interface WebhookWorkerOptions {
  /** BullMQ key prefix (`QUEUE_PREFIX`). */
  prefix: string;
  /** Jobs processed at once by this process (`WORKER_CONCURRENCY`). */
  concurrency: number;
  /**
   * Transactions in flight at once; the jobs in flight share them (see `EventRecorder`).
   * Capped by `concurrency`.
   * @defaultValue 2
   */
  transactions?: number;
  /**
   * Times a job may be found stalled (its worker died mid-job) and be put back before it is
   * failed. Processing is idempotent, so a redelivery is harmless; a few crashes in a row
   * (a deploy, an OOM kill) should not park a job in the failed set.
   * @defaultValue 5
   */
  maxStalledCount?: number;
  /**
   * Lock duration of a job in flight, and the interval of the stalled-job check
   * (`WORKER_LOCK_DURATION_MS`): a crashed worker's jobs come back within about twice this.
   * @defaultValue 30000 (BullMQ's default)
   */
  lockDurationMs?: number;
  /**
   * `WEBHOOK_DEDUPE_WINDOW_SECONDS`: a body that the version before delivery identity stored
   * less than this before is a redelivery of that event (see `PreviousVersionRedeliveries`).
   * @defaultValue 3600
   */
  dedupeWindowSeconds?: number;
}

/**
 * The BullMQ consumer of the webhook queue: each job is appended to the event store and
 * projected in one transaction. Retries and backoff come from the job options that every
 * producer sets (`WEBHOOK_JOB_OPTIONS`); failed jobs stay in the failed set for
 * `pnpm mirror retry-failed`.
 */
export function createWebhookWorker(
  deps: WebhookWorkerDeps,
  options: WebhookWorkerOptions,
): Worker<WebhookJobData> {
  const recorder = new EventRecorder(deps.prisma, {
    lanes: Math.min(options.transactions ?? DEFAULT_WORKER_TRANSACTIONS, options.concurrency),
    previousVersion: new PreviousVersionRedeliveries(
      deps.prisma,
      options.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS,
    ),
  });
  const handler = createJobHandler({ recorder, metrics: deps.metrics, logger: deps.logger });
  const worker = new Worker<WebhookJobData>(WEBHOOK_QUEUE, handler, {
    connection: deps.redis,
    prefix: options.prefix,
    concurrency: options.concurrency,
    maxStalledCount: options.maxStalledCount ?? 5,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.lockDurationMs ?? 30_000,
  });
  worker.on('failed', (job, error) => {
    const attempts = job?.opts.attempts ?? 1;
    const final = job !== undefined && job.attemptsMade >= attempts;
    deps.logger[final ? 'error' : 'warn'](
      { jobId: job?.id, attemptsMade: job?.attemptsMade, attempts, err: error },
      final
        ? 'job failed for good: it stays in the failed set (pnpm mirror retry-failed)'
        : 'job failed; BullMQ will retry it',
    );
  });
  // Any worker's stalled-job check may find the job of another, dead or frozen, worker. It runs
  // again (harmless: processing is idempotent), but each one means a job's lock lapsed: a crash,
  // or a process or Redis that stopped answering for longer than WORKER_LOCK_DURATION_MS.
  worker.on('stalled', (jobId) => {
    deps.metrics.jobsStalled.inc();
    deps.logger.warn({ jobId }, 'job stalled (its lock lapsed mid-job); it runs again');
  });
  // Connection errors are retried by ioredis and BullMQ; without a listener they would crash the process.
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'worker error'));
  return worker;
}
