import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  DEFAULT_DEDUPE_WINDOW_SECONDS,
  identityClaim,
  jobIdForKey,
  sha256Hex,
} from '@mirror/delivery-identity';
import type { RedeliveryRule, WebhookJobData } from '@mirror/delivery-identity';
import { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS, WEBHOOK_QUEUE } from './job-options';
import { createStandardJobScript } from './standard-job-script';
import type { AddStandardJob } from './standard-job-script';

/** The BullMQ queue of webhook jobs, typed by its job data. */
export type WebhookBullQueue = Queue<WebhookJobData, void, typeof WEBHOOK_JOB_NAME>;

/** Options of {@link createWebhookQueue}. */
export interface WebhookQueueOptions {
  /** BullMQ key prefix (`QUEUE_PREFIX`), so deployments and test runs can share one Redis. */
  prefix: string;
  /**
   * `WEBHOOK_DEDUPE_WINDOW_SECONDS`: how long an identical body without an occurrence key is a
   * redelivery; 0 turns content dedupe off. Default 3600.
   */
  dedupeWindowSeconds?: number;
}

/**
 * What happened to one enqueue. `enqueued` and `duplicate` mean Redis holds the job (a 2xx is
 * safe); `timeout` and `failed` mean it may not, so the sender must retry (the retry is then
 * recognised as a redelivery if the first attempt did land after all). `duplicate` means the
 * delivery was recognised as a redelivery of the event `eventKey` (by `rule`), from whatever
 * process: it is queued too, so that the worker records the delivery, and changes nothing else.
 */
export type EnqueueOutcome =
  | { outcome: 'enqueued'; jobId: string }
  | { outcome: 'duplicate'; jobId: string; eventKey: string; rule: RedeliveryRule }
  | { outcome: 'timeout'; jobId: string; timeoutMs: number }
  | { outcome: 'failed'; jobId: string; error: Error };

/** Options of {@link WebhookQueue.enqueue}. */
export interface EnqueueOptions {
  /**
   * The job's identity was decided already (`mirror import` of an export with meta replays the
   * source ingest's decision): no marker is claimed, and only a job with the same receipt id
   * makes it a duplicate.
   */
  decided?: boolean;
}

/**
 * The BullMQ job id of a receipt id: itself when it is a valid custom job id (the ingest's
 * UUIDs), else its hash (receipt ids of other producers, `job:<hex>`, hold a `:`, which BullMQ
 * forbids in job ids).
 */
export function jobIdOfReceipt(receiptId: string): string {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(receiptId) ? receiptId : sha256Hex(`receipt:${receiptId}`);
}

/**
 * The webhook queue and the Redis connection it runs on. The caller owns the connection:
 * BullMQ shares it rather than duplicating it, so {@link WebhookQueue.close} leaves it open.
 */
export class WebhookQueue {
  /** The BullMQ queue; for reads (counts, jobs). Add jobs through {@link WebhookQueue.enqueue}. */
  readonly queue: WebhookBullQueue;
  /** What `Queue.add` does for these jobs, without its per-job overhead (see the module). */
  private readonly addJob: AddStandardJob;
  private readonly dedupeWindowSeconds: number;

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
    this.dedupeWindowSeconds = options.dedupeWindowSeconds ?? DEFAULT_DEDUPE_WINDOW_SECONDS;
  }

  /**
   * Adds a webhook job, deciding in the same Redis script whether it is the first delivery of
   * its event (DESIGN.md, "Ingest contract"): the job claims its identity marker
   * (`identityClaim`); if an earlier delivery holds it, the job goes in as a redelivery of that
   * event, which the worker records and stores nothing from. Never rejects, and settles within
   * about `timeoutMs`.
   */
  async enqueue(
    job: WebhookJobData,
    timeoutMs: number,
    options: EnqueueOptions = {},
  ): Promise<EnqueueOutcome> {
    // Redis runs the claim and the add as one script, so concurrent deliveries of one event, on
    // any number of replicas, are decided one after the other: exactly one is `enqueued`. The
    // event store's unique key is the last word (a marker outlives its window, not the store).
    // Jobs of earlier versions' producers carry no receipt id: their job id derives from the key,
    // and they claim nothing (the script looks for their job id instead; see `JobClaim`).
    const jobId =
      job.receiptId === undefined ? jobIdForKey(job.idempotencyKey) : jobIdOfReceipt(job.receiptId);
    const claim =
      options.decided || job.receiptId === undefined
        ? undefined
        : (identityClaim(job.idempotencyKey, this.dedupeWindowSeconds) ?? undefined);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, timeoutMs, 'timeout');
    });
    try {
      const result = await Promise.race([this.addJob(jobId, job, claim), timedOut]);
      if (result === 'timeout') return { outcome: 'timeout', jobId, timeoutMs };
      if (result.added) return { outcome: 'enqueued', jobId };
      // Not added and no claim taken: a job with this id existed (a producer without receipt ids).
      const eventKey = result.claimedBy ?? job.idempotencyKey;
      return { outcome: 'duplicate', jobId, eventKey, rule: claim?.rule ?? 'occurrence' };
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
  options: EnqueueOptions = {},
): Promise<EnqueueOutcome> {
  return target.enqueue(job, timeoutMs, options);
}
