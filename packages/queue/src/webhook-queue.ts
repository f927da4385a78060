import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdForKey } from './idempotency-key';
import { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS } from './job-options';
import { WEBHOOK_QUEUE } from './webhook-job';
import type { WebhookJobData } from './webhook-job';

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
 * deduplicated by the job id if the first attempt did land after all).
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
  /** Enqueues under way in this process, by job id. */
  private readonly inFlight = new Map<string, Promise<EnqueueOutcome>>();

  /**
   * @param redis - for the ingest, a `producer` connection (see `createRedisConnection`), so
   *   that adding a job with Redis away fails at once instead of waiting for a reconnect.
   */
  constructor(
    readonly redis: Redis,
    options: WebhookQueueOptions,
  ) {
    this.queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: options.prefix });
  }

  /**
   * Adds a webhook job whose id derives from its idempotency key, so that a redelivery
   * produces no second job while the first one still exists (completed jobs are kept for a
   * day; see `WEBHOOK_JOB_OPTIONS`). Never rejects, and settles within about `timeoutMs`.
   */
  enqueue(job: WebhookJobData, timeoutMs: number): Promise<EnqueueOutcome> {
    const jobId = jobIdForKey(job.idempotencyKey);
    const pending = this.inFlight.get(jobId);
    if (pending !== undefined) {
      // The same event is being added right now (a fast redelivery, or a caller adding in
      // bulk): share that attempt's fate instead of racing it.
      return pending.then((first) =>
        first.outcome === 'enqueued' ? { outcome: 'duplicate', jobId } : first,
      );
    }
    const attempt = this.add(jobId, job, timeoutMs).finally(() => this.inFlight.delete(jobId));
    this.inFlight.set(jobId, attempt);
    return attempt;
  }

  /** Closes the BullMQ queue (not the connection). */
  close(): Promise<void> {
    return this.queue.close();
  }

  private async add(jobId: string, job: WebhookJobData, timeoutMs: number): Promise<EnqueueOutcome> {
    // BullMQ's add answers the same whether or not the id existed. This EXISTS is written to
    // the same connection just before the add's script (BullMQ reaches its write through
    // microtasks only, and no other add of this id is in flight in this process), so Redis runs
    // it right before that script and its answer says whether this add was the first. It costs
    // no extra round trip. Only the add decides success, hence the catch.
    const existed = this.redis.exists(this.queue.toKey(jobId)).catch(() => undefined);
    const added = this.queue.add(WEBHOOK_JOB_NAME, job, { ...WEBHOOK_JOB_OPTIONS, jobId });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout');
    });
    try {
      const result = await Promise.race([Promise.all([existed, added]), timedOut]);
      if (result === 'timeout') return { outcome: 'timeout', jobId, timeoutMs };
      return { outcome: result[0] === 1 ? 'duplicate' : 'enqueued', jobId };
    } catch (error) {
      return { outcome: 'failed', jobId, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      clearTimeout(timer);
    }
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
