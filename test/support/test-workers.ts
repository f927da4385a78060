import type { Worker } from 'bullmq';
import type { PrismaClient } from '@mirror/db';
import { createRedisConnection, type Redis, type WebhookJobData } from '@mirror/queue';
import { createWebhookWorker } from '../../apps/worker/src/webhook-worker';
import { createWorkerMetrics, type WorkerMetrics } from '../../apps/worker/src/worker-metrics';
import { silentLogger } from './silent-logger';
import { createTestQueue, TEST_REDIS_URL, type TestQueue } from './test-queue';

/** In-process webhook workers on a queue of each test's own. */
export interface TestWorkers {
  /** The current test's queue (a new one before each test). */
  readonly queue: TestQueue;
  /**
   * Starts a webhook worker on the current test's queue, with a Redis connection of its own;
   * it is closed after the test. Defaults: concurrency 4, fresh metrics.
   */
  start(
    prisma: PrismaClient,
    options?: { concurrency?: number; lockDurationMs?: number; metrics?: WorkerMetrics },
  ): Worker<WebhookJobData>;
  /** Closes every worker started so far, as a restart does (the test's end does it too). */
  closeAll(): Promise<void>;
}

/**
 * Registers the per-test lifecycle (call it in a `describe` or at the top of a test file): a
 * fresh queue before each test; after it, every worker it started closed, then the queue closed
 * and its keys deleted.
 */
export function useTestWorkers(): TestWorkers {
  let queue: TestQueue | undefined;
  const running: { worker: Worker<WebhookJobData>; redis: Redis }[] = [];

  beforeEach(() => {
    queue = createTestQueue();
  });

  const closeAll = async (): Promise<void> => {
    for (const { worker, redis } of running.splice(0)) {
      await worker.close();
      await redis.quit();
    }
  };

  afterEach(async () => {
    await closeAll();
    await queue?.close();
  });

  const current = (): TestQueue => {
    if (queue === undefined) throw new Error('useTestWorkers: no queue outside a test');
    return queue;
  };

  return {
    get queue() {
      return current();
    },
    start(prisma, { concurrency = 4, lockDurationMs, metrics = createWorkerMetrics() } = {}) {
      const redis = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
      const worker = createWebhookWorker(
        { prisma, redis, metrics, logger: silentLogger() },
        { prefix: current().prefix, concurrency, lockDurationMs },
      );
      running.push({ worker, redis });
      return worker;
    },
    closeAll,
  };
}
