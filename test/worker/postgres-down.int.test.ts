import { createPrisma, type PrismaClient } from '@mirror/db';
import { applyMigrations, ensureDatabaseExists } from '@mirror/db/migrations';
import { createWorkerMetrics } from '../../apps/worker/src/worker-metrics';
import { deliveryOf } from '../support/deliveries';
import { createPrivatePostgres, type PrivatePostgres } from '../support/private-postgres';
import { walletOf } from '../support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { waitUntil } from '../support/test-queue';
import { useTestWorkers } from '../support/test-workers';

// Postgres goes away while jobs are queued (a private cluster, so the shared one stays up).
describe('Postgres unavailable for a while', () => {
  let cluster: PrivatePostgres;
  let prisma: PrismaClient;
  const workers = useTestWorkers();

  beforeAll(async () => {
    cluster = createPrivatePostgres(50_000 + (process.pid % 10_000));
    const url = cluster.url.replace(/\/postgres$/, '/mirror');
    await ensureDatabaseExists(url);
    await applyMigrations(url);
    prisma = createPrisma(url, { max: 6 });
  }, 60_000);

  afterAll(async () => {
    await prisma?.$disconnect();
    cluster?.destroy();
  });

  async function storedEvents(): Promise<number> {
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM events');
    return Number(row?.n ?? 0);
  }

  it('retries the jobs with backoff and completes them once it is back, with no duplicates', async () => {
    const metrics = createWorkerMetrics();
    workers.start(prisma, { metrics });
    const credits = Array.from({ length: 200 }, (_, i) =>
      deliveryOf(
        b.walletEvent({
          direction: 'credit',
          sourceId: 'KMN@123',
          transactionId: `trhi_${i}`,
          points: 1 + (i % 5),
        }),
        i,
      ),
    );
    await workers.queue.enqueue(credits.slice(0, 100));
    await waitUntil(async () => (await storedEvents()) === 100, 20_000, 'the first half');

    cluster.stop();
    await workers.queue.enqueue(credits.slice(100));
    await waitUntil(
      async () => ((await metrics.jobsFailed.get()).values[0]?.value ?? 0) >= 4,
      20_000,
      'jobs to fail while Postgres is down',
    );
    expect(await workers.queue.queue.getDelayedCount()).toBeGreaterThan(0);
    // Deliberate: Postgres stays down a while longer, so that jobs fail and back off again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    cluster.start();

    await waitUntil(async () => (await workers.queue.pending()) === 0, 60_000, 'the retries to complete');
    expect(await storedEvents()).toBe(200);
    const [distinct] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
      'SELECT count(DISTINCT idempotency_key) AS n FROM events',
    );
    expect(Number(distinct?.n)).toBe(200);
    const expected = credits.reduce((sum, _, i) => sum + 1 + (i % 5), 0);
    expect(await walletOf(prisma, 'KMN@123')).toMatchObject({ balance: `${expected}.0000` });
    expect(await workers.queue.queue.getJobCounts('completed', 'failed')).toEqual({
      completed: 200,
      failed: 0,
    });
  }, 90_000);
});
