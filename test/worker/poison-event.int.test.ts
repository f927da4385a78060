// The hostile run, as a user makes it: 12 orders of 9.9e15 for one customer among 600
// ordinary orders of 30 customers, through the ingest, with 2 workers. Every event must be
// stored, every ordinary customer complete, and no job may fail.
import type { Worker } from 'bullmq';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { createRedisConnection, type Redis, type WebhookJobData } from '@mirror/queue';
import { post, startTestIngest, type TestIngest } from '../support/ingest-harness';
import { silentLogger } from '../support/silent-logger';
import { createWebhookWorker } from '../../apps/worker/src/webhook-worker';
import { createWorkerMetrics } from '../../apps/worker/src/worker-metrics';
import { freshDatabasePerTest } from '../support/fresh-database';
import * as b from '@mirror/rehook-bodies';
import { TEST_REDIS_URL, waitUntil } from '../support/test-queue';

// An ingest, two workers and 612 webhooks on a loaded 2-core machine.
jest.setTimeout(120_000);

const db = freshDatabasePerTest();
let ingest: TestIngest;
const workers: { worker: Worker<WebhookJobData>; redis: Redis; prisma: PrismaClient }[] = [];

beforeEach(async () => {
  // The default enqueue timeout's slack, not the harness's 1 s: a loaded 2-core machine.
  ingest = await startTestIngest({ INGEST_ENQUEUE_TIMEOUT_MS: '2000' });
  for (let i = 0; i < 2; i += 1) {
    const prisma = createPrisma(db.url, { max: 3, role: 'worker' });
    const redis = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
    const worker = createWebhookWorker(
      { prisma, redis, metrics: createWorkerMetrics(ingest.queue), logger: silentLogger() },
      { prefix: ingest.prefix, concurrency: 64 },
    );
    workers.push({ worker, redis, prisma });
  }
});

afterEach(async () => {
  for (const { worker, redis, prisma } of workers.splice(0)) {
    await worker.close();
    await redis.quit();
    await prisma.$disconnect();
  }
  await ingest.stop();
});

/** The traffic: 20 orders for each of 30 customers, with 12 huge ones for a whale among them. */
function traffic(): string[] {
  const bodies: string[] = [];
  for (let i = 0; i < 600; i += 1) {
    bodies.push(
      JSON.stringify(
        b.orderSuccess({ sourceId: `customer-${i % 30}`, total: 10 + (i % 7), orderNo: `order-${i}` }),
      ),
    );
    if (i % 50 === 25)
      bodies.push(JSON.stringify(b.orderSuccess({ sourceId: 'whale', total: 9.9e15, orderNo: `huge-${i}` })));
  }
  return bodies;
}

async function send(bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 24) {
    const answers = await Promise.all(bodies.slice(i, i + 24).map((body) => post(ingest.webhookUrl, body)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  }
}

async function count(sql: string): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(sql);
  return row?.n ?? 0;
}

/** Waits for every event to be stored and every job to be done, then checks that none failed. */
async function drained(events: number): Promise<void> {
  await waitUntil(
    async () => (await count('SELECT count(*)::int AS n FROM events')) === events,
    90_000,
    `${events} stored events`,
  );
  await waitUntil(
    async () => {
      const counts = await ingest.queue.getJobCounts('waiting', 'active', 'delayed');
      return counts['waiting'] === 0 && counts['active'] === 0 && counts['delayed'] === 0;
    },
    30_000,
    'the queue to drain',
  );
  expect(await ingest.queue.getJobCounts('failed')).toEqual({ failed: 0 });
}

async function ordinaryCustomers(): Promise<{ n: number; orders: number }> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: number; orders: number }[]>(
    "SELECT count(*)::int AS n, sum(orders_count)::int AS orders FROM customers WHERE source_id LIKE 'customer-%'",
  );
  return row ?? { n: 0, orders: 0 };
}

describe('a poison event through the ingest, with 2 workers', () => {
  it('the issue’s run: all 612 events are stored and projected, the whale’s total exact', async () => {
    await send(traffic());

    await drained(612);

    expect(await count("SELECT count(*)::int AS n FROM events WHERE status = 'projected'")).toBe(612);
    expect(await ordinaryCustomers()).toEqual({ n: 30, orders: 600 });
    expect(
      await db.prisma.$queryRawUnsafe(
        "SELECT orders_count, orders_total::text FROM customers WHERE source_id = 'whale'",
      ),
    ).toEqual([{ orders_count: 12, orders_total: '118800000000000000.0000' }]);
  });

  it('an event the database refuses is stored as invalid with its reason; the others are all projected', async () => {
    // A data error the schema can still raise (SQLSTATE 23514), standing in for a column too
    // narrow for the whale's total, as orders_total was.
    await db.prisma.$executeRawUnsafe(
      'ALTER TABLE customers ADD CONSTRAINT narrow_total CHECK (orders_total < 1e16)',
    );

    await send(traffic());

    await drained(612);
    expect(await ordinaryCustomers()).toEqual({ n: 30, orders: 600 });
    expect(
      await db.prisma.$queryRawUnsafe(
        "SELECT status::text, count(*)::int AS n FROM events WHERE source_id = 'whale' AND reason LIKE '%(SQLSTATE 23514)' GROUP BY status",
      ),
    ).toEqual([{ status: 'invalid', n: 11 }]);
    expect(
      await db.prisma.$queryRawUnsafe("SELECT orders_count FROM customers WHERE source_id = 'whale'"),
    ).toEqual([{ orders_count: 1 }]);
    // Nothing waited for a retry: every job completed at its first attempt.
    const jobs = await ingest.queue.getJobs(['completed']);
    expect(jobs).toHaveLength(612);
    expect(jobs.filter((job) => job.attemptsMade !== 1)).toEqual([]);
  });
});
