import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdForKey } from '@mirror/delivery-identity';
import type { WebhookJobData } from '@mirror/delivery-identity';
import { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS, WEBHOOK_QUEUE } from './job-options';
import { createStandardJobScript } from './standard-job-script';
import type { AddStandardJob } from './standard-job-script';

/** The BullMQ queue of webhook jobs, typed by its job data. */
export type WebhookBullQueue = Queue<WebhookJobData, void, typeof WEBHOOK_JOB_NAME>;

/** Options of {@link createWebhookQueue}. */
export interface WebhookQueueOptions {
  /** BullMQ key prefix (`QUEUE_PREFIX`), so deployments and test runs can share one Redis. */
  prefix: string;
}

/**
 * What happened to one enqueue. `enqueued` and `duplicate` mean Redis holds the job (a 2xx is
 * safe); `timeout` and `failed` mean it may not, so the sender must retry (the retry is then
 * deduplicated by the job id if the first attempt did land after all). `duplicate` means a job
 * with this id was in Redis before this enqueue, from whatever process.
 */
export type EnqueueOutcome =
  | { outcome: 'enqueued'; jobId: string }
  | { outcome: 'duplicate'; jobId: string }
  | { outcome: 'timeout'; jobId: string; timeoutMs: number }
  | { outcome: 'failed'; jobId: string; error: Error };

/**
 * The webhook queue and the Redis connection it runs on. The caller owns the connection:
 * BullMQ shares it rather than duplicating it, so {@link WebhookQueue.close} leaves it open.
 */
export class WebhookQueue {
  /** The BullMQ queue; for reads (counts, jobs). Add jobs through {@link WebhookQueue.enqueue}. */
  readonly queue: WebhookBullQueue;
  /** What `Queue.add` does for these jobs, without its per-job overhead (see the module). */
  private readonly addJob: AddStandardJob;

  /**
   * @param redis - for the ingest, a `producer` connection (see `createRedisConnection`), so
   *   that adding a job with Redis away fails at once instead of waiting for a reconnect.
   */
  constructor(
    readonly redis: Redis,
    options: WebhookQueueOptions,
  ) {
    this.queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: options.prefix });
    this.addJob = createStandardJobScript(this.queue, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
  }

  /**
   * Adds a webhook job whose id derives from its idempotency key, so that a redelivery
   * produces no second job while the first one still exists (completed jobs are kept for a
   * day; see `WEBHOOK_JOB_OPTIONS`). Never rejects, and settles within about `timeoutMs`.
   */
  async enqueue(job: WebhookJobData, timeoutMs: number): Promise<EnqueueOutcome> {
    // Redis never holds a second job for one id: BullMQ's add script does nothing (but answer
    // the id) when the job exists. That is the guarantee a redelivery relies on, and it holds
    // across replicas and restarts; whether this add was the first is only a label (answer,
    // metric, log line, the CLI's report), which the add command reports too (an EXISTS inside
    // the same script, see `standard-job-script.ts`). Concurrent deliveries of one event are
    // added one after the other there: exactly one is `enqueued`.
    const jobId = jobIdForKey(job.idempotencyKey);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout');
    });
    try {
      const result = await Promise.race([this.addJob(jobId, job), timedOut]);
      if (result === 'timeout') return { outcome: 'timeout', jobId, timeoutMs };
      return { outcome: result.added ? 'enqueued' : 'duplicate', jobId };
    } catch (error) {
      return { outcome: 'failed', jobId, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the BullMQ queue (not the connection). */
  close(): Promise<void> {
    return this.queue.close();
  }
}

/** Creates the {@link WebhookQueue} on an existing connection. */
export function createWebhookQueue(redis: Redis, options: WebhookQueueOptions): WebhookQueue {
  return new WebhookQueue(redis, options);
}

/**
 * Adds one webhook job (see {@link WebhookQueue.enqueue}); the entry point every producer
 * (ingest, CLI import) uses.
 */
export function enqueueWebhook(
  target: WebhookQueue,
  job: WebhookJobData,
  timeoutMs: number,
): Promise<EnqueueOutcome> {
  return target.enqueue(job, timeoutMs);
}
