import type { Worker } from 'bullmq';
import { createRedisConnection, type Redis, type WebhookJobData } from '@mirror/queue';
import { rebuildReadModels } from '@mirror/projections';
import { createWebhookWorker } from '../../apps/worker/src/webhook-worker';
import { silentLogger } from '../../apps/worker/src/testing/silent-logger';
import { createWorkerMetrics } from '../../apps/worker/src/worker-metrics';
import { createTestDatabase } from '../support/database';
import { generatedWebhooks as webhooks } from './event-arbitrary';
import { freshDatabasePerTest } from './fresh-database';
import { recordSequentially } from './record-all';
import { dumpReadModels } from './read-model-dump';
import { createTestQueue, TEST_REDIS_URL, type TestQueue, waitUntil } from './test-queue';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();
let queue: TestQueue;
let redis: Redis;
let worker: Worker<WebhookJobData> | undefined;

beforeEach(() => {
  queue = createTestQueue();
  redis = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
});

afterEach(async () => {
  await worker?.close();
  await redis.quit();
  await queue.close();
});

async function storedEvents(): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM events');
  return Number(row?.n ?? 0);
}

describe('a rebuild while webhooks keep arriving', () => {
  it('never pauses live projection; what arrives meanwhile is in the new read models, as in a sequential run', async () => {
    worker = createWebhookWorker(
      {
        prisma: db.prisma,
        redis,
        metrics: createWorkerMetrics(),
        logger: silentLogger(),
      },
      { prefix: queue.prefix, concurrency: 4 },
    );
    const before = webhooks(1500, 0, 1);
    const during = webhooks(300, 1500, 2);
    const racing = webhooks(300, 1800, 3);
    await queue.enqueue(before);
    await waitUntil(async () => (await queue.pending()) === 0, 60_000, 'the first events');

    const report = await rebuildReadModels(db.prisma, {
      batchSize: 50,
      onPhase: async (phase) => {
        expect(await queue.queue.isPaused()).toBe(false);
        if (phase === 'loading') {
          // Awaited by the rebuild: the worker projects these while it loads.
          await queue.enqueue(during);
          await waitUntil(
            async () => (await queue.pending()) === 0,
            60_000,
            'the events enqueued during the rebuild',
          );
        }
        if (phase === 'catching-up') await queue.enqueue(racing);
      },
    });

    expect(report.events).toBeGreaterThanOrEqual(before.length + during.length);
    await waitUntil(async () => (await queue.pending()) === 0, 60_000, 'the events racing the switch');
    expect(await storedEvents()).toBe(before.length + during.length + racing.length);

    const sequential = await createTestDatabase();
    try {
      await recordSequentially(
        sequential.prisma,
        [...before, ...during, ...racing].map((delivery) => ({ delivery, origin: 'webhook' as const })),
      );
      expect(await dumpReadModels(db.prisma)).toEqual(await dumpReadModels(sequential.prisma));
    } finally {
      await sequential.drop();
    }
  }, 120_000);
});
