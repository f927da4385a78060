import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import {
  createRedisConnection,
  createWebhookQueue,
  jobIdForKey,
  removeKeysByPrefix,
  WEBHOOK_JOB_NAME,
  WEBHOOK_JOB_OPTIONS,
  type Redis,
  type WebhookBullQueue,
  type WebhookJobData,
} from '@mirror/queue';
import { waitFor } from './wait-for';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The webhook queue under a prefix of its own, on the shared test Redis. */
export interface TestQueue {
  prefix: string;
  queue: WebhookBullQueue;
  /** Enqueues deliveries as the ingest does (same job options, job id from the idempotency key). */
  enqueue(
    deliveries: readonly WebhookJobData[],
    options?: Pick<JobsOptions, 'attempts' | 'backoff'>,
  ): Promise<void>;
  /** Jobs not finished yet (waiting, active, delayed, prioritized). */
  pending(): Promise<number>;
  /** Closes the queue and deletes every key under the prefix. */
  close(): Promise<void>;
}

/** A fresh queue with a unique `QUEUE_PREFIX`, so concurrent tests never see each other's jobs. */
export function createTestQueue(): TestQueue {
  const prefix = `mirror-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const redis: Redis = createRedisConnection(TEST_REDIS_URL, { role: 'producer' });
  const { queue } = createWebhookQueue(redis, { prefix });
  return {
    prefix,
    queue,
    async enqueue(deliveries, options = {}) {
      for (let i = 0; i < deliveries.length; i += 500) {
        await queue.addBulk(
          deliveries.slice(i, i + 500).map((data) => ({
            name: WEBHOOK_JOB_NAME,
            data,
            opts: { ...WEBHOOK_JOB_OPTIONS, ...options, jobId: jobIdForKey(data.idempotencyKey) },
          })),
        );
      }
    },
    async pending() {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async close() {
      await queue.close();
      await removeKeysByPrefix(redis, prefix);
      await redis.quit();
    },
  };
}

/** Polls `condition` until it holds; fails after `timeoutMs` with `what` (see `waitFor`). */
export async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  await waitFor(condition, { timeoutMs, intervalMs: 50, what });
}
