import fc from 'fast-check';
import { Worker } from 'bullmq';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { createRedisConnection, retryFailedJobs, WEBHOOK_QUEUE } from '@mirror/queue';
import { createTestDatabase } from '../../../test/support/database';
import { deliveryOf, fixtureBody, fixtureFiles } from '../../../test/support/deliveries';
import { generatedDeliveries, shuffled } from '../../../test/support/event-arbitrary';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { recordSequentially } from '../../../test/support/record-all';
import { dumpReadModels, walletOf } from '../../../test/support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { TEST_REDIS_URL, waitUntil } from '../../../test/support/test-queue';
import { useTestWorkers } from '../../../test/support/test-workers';
import { startMetricsServer } from './metrics-server';
import { silentLogger } from '../../../test/support/silent-logger';
import { createWorkerMetrics, type WorkerMetrics } from './worker-metrics';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();
const workers = useTestWorkers();

function startWorker(prisma: PrismaClient, concurrency = 4, lockDurationMs?: number): WorkerMetrics {
  const metrics = createWorkerMetrics(workers.queue.queue);
  workers.start(prisma, { concurrency, lockDurationMs, metrics });
  return metrics;
}

async function storedEvents(): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ count: bigint }[]>('SELECT count(*) FROM events');
  return Number(row?.count ?? 0);
}

describe('the webhook worker', () => {
  it('stores and projects every job once, and a redelivered job changes nothing', async () => {
    const metrics = startWorker(db.prisma);
    const deliveries = fixtureFiles().map(([group, file], i) => deliveryOf(fixtureBody(group, file), i));

    await workers.queue.enqueue(deliveries);
    await waitUntil(async () => (await workers.queue.pending()) === 0, 20_000, 'the queue to drain');
    const projected = await dumpReadModels(db.prisma);
    expect(await storedEvents()).toBe(deliveries.length);

    // BullMQ redelivers every completed job, as after a crash between commit and acknowledgement.
    await workers.queue.queue.retryJobs({ state: 'completed' });
    await waitUntil(async () => (await workers.queue.pending()) === 0, 20_000, 'the redeliveries');

    expect(await storedEvents()).toBe(deliveries.length);
    expect(await dumpReadModels(db.prisma)).toEqual(projected);
    expect((await metrics.eventsStored.get()).values).toContainEqual(
      expect.objectContaining({ labels: { status: 'duplicate' }, value: deliveries.length }),
    );
  });

  it('completes the jobs of unknown and unreadable bodies at their first attempt, storing them with a reason', async () => {
    startWorker(db.prisma);
    await workers.queue.enqueue([
      deliveryOf({ event_name: 'customer.teleported', source_id: 'KMN@123' }, 1),
      deliveryOf({ event_name: 'wallet.credited', source_id: 'KMN@123', metadata: {} }, 2),
      deliveryOf('{"event_name": "wallet.cre', 3),
    ]);

    await waitUntil(async () => (await workers.queue.pending()) === 0, 20_000, 'the queue to drain');

    const counts = await workers.queue.queue.getJobCounts('completed', 'failed');
    expect(counts).toEqual({ completed: 3, failed: 0 });
    const jobs = await workers.queue.queue.getJobs(['completed']);
    expect(jobs.map((job) => job.attemptsMade)).toEqual([1, 1, 1]);
    expect(
      await db.prisma.$queryRawUnsafe(
        'SELECT status::text, reason IS NOT NULL AS has_reason FROM events ORDER BY receipt_stamp',
      ),
    ).toEqual([
      { status: 'unrecognized', has_reason: true },
      { status: 'invalid', has_reason: true },
      { status: 'invalid', has_reason: true },
    ]);
  });

  it('leaves a job in the failed set after its last attempt with Postgres unreachable; retry-failed requeues it, stored once', async () => {
    const unreachable = createPrisma('postgresql://postgres@127.0.0.1:1/nowhere', { max: 2 });
    try {
      startWorker(unreachable);
      await workers.queue.enqueue(
        [
          deliveryOf(
            b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
            1,
          ),
        ],
        {
          attempts: 2,
          backoff: { type: 'fixed', delay: 50 },
        },
      );
      await waitUntil(
        async () => (await workers.queue.queue.getFailedCount()) === 1,
        20_000,
        'the job to fail for good',
      );
      const [failed] = await workers.queue.queue.getFailed();
      expect(failed?.attemptsMade).toBe(2);

      // Postgres is back: the worker restarts with a working connection.
      await workers.closeAll();
      startWorker(db.prisma);
      expect(await retryFailedJobs(workers.queue.queue)).toEqual({ retried: 1, skipped: 0 });
      await waitUntil(
        async () => (await storedEvents()) === 1 && (await workers.queue.pending()) === 0,
        20_000,
        'the retry',
      );
    } finally {
      await unreachable.$disconnect();
    }
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ balance: '10.0000' });
    expect(await workers.queue.queue.getFailedCount()).toBe(0);
  });

  it('gives the same read models with two workers of four jobs in flight as one worker taking one job at a time', async () => {
    const [deliveries = []] = fc.sample(generatedDeliveries(40), { numRuns: 1, seed: 11 });
    const [inAnyOrder = []] = fc.sample(shuffled(deliveries), { numRuns: 1, seed: 12 });
    const sequential = await createTestDatabase();
    const second = createPrisma(db.url, { max: 4, role: 'worker' });
    try {
      await recordSequentially(sequential.prisma, deliveries);
      startWorker(db.prisma, 4);
      startWorker(second, 4);
      // The fulfilments are written by the API, not by webhook jobs.
      const webhooks = inAnyOrder.filter((d) => d.origin === 'webhook').map((d) => d.delivery);
      await recordSequentially(
        db.prisma,
        inAnyOrder.filter((d) => d.origin === 'mirror'),
      );
      await workers.queue.enqueue(webhooks);
      await waitUntil(async () => (await workers.queue.pending()) === 0, 30_000, 'the queue to drain');

      expect(await dumpReadModels(db.prisma)).toEqual(await dumpReadModels(sequential.prisma));
    } finally {
      await second.$disconnect();
      await sequential.drop();
    }
  });

  it('counts the job of a worker that vanished mid-job as stalled, runs it again and stores it once', async () => {
    const delivery = deliveryOf(fixtureBody('documented', 'order_success.json'), 1);
    await workers.queue.enqueue([delivery]);
    // Another consumer takes the job and is never heard of again: its 1 s lock is not renewed.
    const redis = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
    const vanished = new Worker(WEBHOOK_QUEUE, null, {
      connection: redis,
      prefix: workers.queue.prefix,
      lockDuration: 1000,
    });
    try {
      expect((await vanished.getNextJob('vanished-worker'))?.id).toBeDefined();
    } finally {
      await vanished.close();
      await redis.quit();
    }
    const metrics = startWorker(db.prisma, 4, 1000);
    await waitUntil(
      async () => (await workers.queue.pending()) === 0,
      20_000,
      'the stalled job to run again',
    );
    expect((await metrics.jobsStalled.get()).values).toEqual([expect.objectContaining({ value: 1 })]);
    expect(await storedEvents()).toBe(1);
  });

  it('serves its metrics over HTTP', async () => {
    const metrics = startWorker(db.prisma);
    await workers.queue.enqueue([deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);
    await waitUntil(async () => (await workers.queue.pending()) === 0, 20_000, 'the queue to drain');
    const server = await startMetricsServer(metrics.registry, 0, silentLogger());
    try {
      const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
      expect(text).toContain('mirror_worker_jobs_processed_total{event="order_success"} 1');
      expect(text).toContain('mirror_worker_events_stored_total{status="projected"} 1');
      expect(text).toContain('mirror_worker_projection_duration_seconds_count 1');
      expect(text).toMatch(/mirror_worker_queue_jobs\{state="waiting"\} 0/);
      expect(text).toContain('mirror_worker_oldest_waiting_job_age_seconds 0');
      expect(text).toContain('mirror_worker_jobs_stalled_total 0');
    } finally {
      await server.close();
    }
  });
});
