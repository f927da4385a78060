import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobIdForKey } from './idempotency-key';
import { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS } from './job-options';
import { createStandardJobScript } from './standard-job-script';
import type { AddStandardJob } from './standard-job-script';
import { WEBHOOK_QUEUE } from './webhook-job';
import type { WebhookJobData } from './webhook-job';

/**
 * With `duplicateCheck: 'recent'`, how many recently added job ids a process remembers to label
 * redeliveries `duplicate` (about 100 bytes each, so ~5 MB). A redelivery beyond that window, after a restart or to
 * another replica is still deduplicated by Redis, only labelled `enqueued`.
 */
export const RECENT_JOB_IDS = 50_000;

/** The BullMQ queue of webhook jobs, typed by its job data. */
export type WebhookBullQueue = Queue<WebhookJobData, void, typeof WEBHOOK_JOB_NAME>;

/** Options of {@link createWebhookQueue}. */
export interface WebhookQueueOptions {
  /** BullMQ key prefix (`QUEUE_PREFIX`), so deployments and test runs can share one Redis. */
  prefix: string;
  /**
   * How an enqueue tells a redelivery (`duplicate`) from a new event; Redis holds one job per
   * id either way, this only chooses the label.
   * - `redis` (default): an `EXISTS` on the job key sent just before the add, exact across
   *   processes (the CLI import reports "already queued" from it), ~12-15 µs CPU per job.
   * - `recent`: the ids this process added lately (see {@link RECENT_JOB_IDS}); no Redis
   *   command. What the ingest uses: there the EXISTS was ~10% of its CPU per webhook.
   * @defaultValue 'redis'
   */
  duplicateCheck?: 'redis' | 'recent';
}

/**
 * What happened to one enqueue. `enqueued` and `duplicate` mean Redis holds the job (a 2xx is
 * safe); `timeout` and `failed` mean it may not, so the sender must retry (the retry is then
 * deduplicated by the job id if the first attempt did land after all). With
 * `duplicateCheck: 'recent'`, `duplicate` means this process added the same job id recently
 * (see {@link RECENT_JOB_IDS}); a redelivery it does not remember is reported `enqueued`, and
 * Redis still holds one job only.
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
  /** Ids this process added lately: what tells a redelivery from a new event. */
  private readonly recent = new Set<string>();
  /**
   * The same ids in the order they were added, as a ring: the slot to write next holds the
   * oldest. (Finding the oldest by iterating the Set cost 6% of the ingest's CPU: V8 keeps
   * deleted entries in place until it rehashes, and iteration walks past every one of them.)
   */
  private readonly recentOrder: (string | undefined)[];
  private recentNext = 0;
  /** `duplicateCheck: 'redis'`. */
  private readonly checkRedis: boolean;
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
    this.checkRedis = (options.duplicateCheck ?? 'redis') === 'redis';
    // Only `recent` mode remembers ids; the API and CLI queues need no 50,000 slots.
    this.recentOrder = new Array<string | undefined>(this.checkRedis ? 0 : RECENT_JOB_IDS);
    this.addJob = createStandardJobScript(this.queue, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
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
    // Redis never holds a second job for one id: BullMQ's add script does nothing (but answer
    // the id) when the job exists. That is the guarantee a redelivery relies on, and it holds
    // across replicas and restarts; whether this add was the first is only a label (answer,
    // metric, log line, the CLI's report). BullMQ's script answers the same in both cases, so
    // the label comes either from an EXISTS written to the same connection just before the
    // add's script (issued after it, in order, and no other add of this id is in flight in this
    // process, so Redis runs it right before that script; no extra round trip), or, for the
    // ingest, from the ids this process added recently: the EXISTS cost ~10% of the ingest's
    // CPU per webhook (measured, see BENCHMARKS.md).
    const existed = this.checkRedis
      ? this.redis.exists(this.queue.toKey(jobId)).catch(() => undefined)
      : this.recent.has(jobId)
        ? 1
        : 0;
    const added = this.addJob(jobId, job);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout');
    });
    try {
      const result = await Promise.race([added, timedOut]);
      if (result === 'timeout') return { outcome: 'timeout', jobId, timeoutMs };
      // Only the add decides success; the EXISTS (sent first) has answered by now.
      if ((typeof existed === 'number' ? existed : await existed) === 1)
        return { outcome: 'duplicate', jobId };
      if (!this.checkRedis) this.remember(jobId);
      return { outcome: 'enqueued', jobId };
    } catch (error) {
      return { outcome: 'failed', jobId, error: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records an id this process added, forgetting the oldest beyond {@link RECENT_JOB_IDS}. */
  private remember(jobId: string): void {
    const oldest = this.recentOrder[this.recentNext];
    if (oldest !== undefined) this.recent.delete(oldest);
    this.recentOrder[this.recentNext] = jobId;
    this.recentNext = (this.recentNext + 1) % RECENT_JOB_IDS;
    this.recent.add(jobId);
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
