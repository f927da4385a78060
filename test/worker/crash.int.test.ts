import { deliveryOf } from '../support/deliveries';
import { freshDatabasePerTest } from '../support/fresh-database';
import { walletOf } from '../support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { createTestQueue, TEST_REDIS_URL, type TestQueue, waitUntil } from '../support/test-queue';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const db = freshDatabasePerTest();
let queue: TestQueue;
const workers: WorkerProcess[] = [];

beforeEach(() => {
  queue = createTestQueue();
});

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.kill('SIGKILL');
    await worker.exited;
  }
  await queue.close();
});

async function count(sql: string): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(sql);
  return Number(row?.n ?? 0);
}

describe('a worker killed with SIGKILL mid-stream', () => {
  it('loses nothing and double-counts nothing once restarted', async () => {
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queue.prefix,
      WORKER_CONCURRENCY: '8',
      // A crashed worker's jobs come back within about twice this (30 s by default).
      WORKER_LOCK_DURATION_MS: '2000',
    };
    // 1500 acknowledged webhooks: credits and debits of one customer, with distinct amounts.
    const deliveries = Array.from({ length: 1500 }, (_, i) =>
      deliveryOf(
        i % 3 === 2
          ? b.walletEvent({
              direction: 'debit',
              sourceId: 'KMN@123',
              transactionId: `trhi_${i}`,
              points: (i % 7) + 1,
            })
          : b.walletEvent({
              direction: 'credit',
              sourceId: 'KMN@123',
              transactionId: `trhi_${i}`,
              points: (i % 11) + 0.5,
            }),
        i,
      ),
    );
    const expectedBalance = deliveries.reduce(
      (sum, _, i) => sum + (i % 3 === 2 ? -((i % 7) + 1) : (i % 11) + 0.5),
      0,
    );
    await queue.enqueue(deliveries);

    const first = startWorkerProcess(env);
    workers.push(first);
    await waitUntil(
      async () => (await count('SELECT count(*) AS n FROM events')) >= 300,
      60_000,
      'the first events',
    );
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const storedAtKill = await count('SELECT count(*) AS n FROM events');
    expect(storedAtKill).toBeLessThan(deliveries.length);

    // The jobs it held are redelivered once their locks expire (BullMQ's stalled-job check).
    workers.push(startWorkerProcess(env));
    await waitUntil(async () => (await queue.pending()) === 0, 60_000, 'every job to complete');

    expect(await count('SELECT count(*) AS n FROM events')).toBe(deliveries.length);
    expect(await count('SELECT count(DISTINCT idempotency_key) AS n FROM events')).toBe(deliveries.length);
    expect(await count('SELECT count(*) AS n FROM wallet_transactions')).toBe(deliveries.length);
    expect(await count("SELECT event_count AS n FROM customers WHERE source_id = 'KMN@123'")).toBe(
      deliveries.length,
    );
    expect(Number((await walletOf(db.prisma, 'KMN@123')).balance)).toBeCloseTo(expectedBalance, 4);
    expect(await queue.queue.getFailedCount()).toBe(0);
  }, 120_000);
});
