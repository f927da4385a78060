import { randomBytes } from 'node:crypto';
import { parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { createRedisConnection, type Redis, removeKeysByPrefix } from '@mirror/queue';
import { acquireRunLock, type ReconcileRunResult } from '@mirror/reconcile';
import { deliverCustomerCreated, deliverWalletWebhook } from '@mirror/reconcile/testing';
import { type FakeRehook, startFakeRehook } from '@mirror/rehook-api/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { waitUntil } from '../../../test/support/test-queue';
import { createReconcileQueue, RECONCILE_SCHEDULER_ID, type ReconcileBullQueue } from './reconcile-queue';
import type { ReconcileJobResult } from './reconcile-worker';
import { verifyAfterReconcile } from './after-reconcile';
import { type ScheduledReconcile, startScheduledReconcile } from './scheduled-reconcile';
import { silentLogger } from '../../../test/support/silent-logger';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

let db: TestDatabase;
let fake: FakeRehook;
let redis: Redis;
let prefix: string;
let queue: ReconcileBullQueue;
const started: ScheduledReconcile[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
  fake = await startFakeRehook({ pageSize: 3 });
  redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
  prefix = `mirror-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  queue = createReconcileQueue(redis, prefix);
  // Two customers, each with a transaction whose webhook never arrived.
  for (const sourceId of ['c1', 'c2']) {
    const customer = fake.customer(sourceId, `cust_${sourceId}`);
    await deliverCustomerCreated(db.prisma, sourceId, customer.id);
    const wallet = fake.wallet(sourceId, `waty_${sourceId}`);
    wallet.transactions.push(
      { transaction_id: `trhi_${sourceId}_1`, type: 'credit', points: 10 },
      { transaction_id: `trhi_${sourceId}_2`, type: 'credit', points: 5 },
    );
    await deliverWalletWebhook(db.prisma, sourceId, {
      transaction_id: `trhi_${sourceId}_1`,
      type: 'credit',
      points: 10,
    });
  }
});

afterEach(async () => {
  for (const s of started.splice(0)) await s.close();
  await queue.close();
  await removeKeysByPrefix(redis, prefix);
  await redis.quit();
  await fake.close();
  await db.drop();
});

/** The environment of a worker process, with or without Rehook credentials. */
function env(credentials: boolean, every = '1h') {
  return parseEnv({
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    REHOOK_API_URL: fake.url,
    RECONCILE_EVERY: every,
    ...(credentials ? { REHOOK_API_KEY: fake.apiKey, REHOOK_API_SECRET: fake.apiSecret } : {}),
  });
}

async function start(credentials: boolean, afterReconcile?: (run: ReconcileRunResult) => Promise<void>) {
  const s = await startScheduledReconcile(env(credentials), {
    redis,
    logger: silentLogger(),
    ...(afterReconcile ? { afterReconcile } : {}),
  });
  started.push(s);
  return s;
}

async function finishedJobs(): Promise<ReconcileJobResult[]> {
  const jobs = await queue.getJobs(['completed']);
  return jobs.map((job) => job.returnvalue as ReconcileJobResult);
}

const runs = () => db.prisma.reconcileRun.findMany({ orderBy: { startedAt: 'asc' } });

describe('scheduled reconcile in the worker', () => {
  it('with credentials, two workers make one schedule; its first run starts at once, then the after-reconcile step', async () => {
    const after: string[] = [];
    const step = (run: ReconcileRunResult) => {
      after.push(run.id);
      return Promise.resolve();
    };
    await start(true, step);
    await start(true, step);
    expect(await queue.getJobSchedulersCount()).toBe(1);
    expect((await queue.getJobScheduler(RECONCILE_SCHEDULER_ID))?.every).toBe(3_600_000);

    await waitUntil(async () => (await finishedJobs()).length === 1, 30_000, 'the first scheduled run');
    const [run] = await runs();
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'succeeded',
      customersChecked: 2,
      eventsAppended: 2,
    });
    expect(await finishedJobs()).toEqual([
      { outcome: 'ran', runId: run?.id, status: 'succeeded', afterReconcile: 'done' },
    ]);
    expect(after).toEqual([run?.id]);
    // The next run waits an hour; nothing else is queued.
    expect(await queue.getJobCounts('waiting', 'active', 'delayed')).toEqual({
      waiting: 0,
      active: 0,
      delayed: 1,
    });
  });

  it('skips a scheduled run while another run (the CLI) holds the run lock, recording nothing', async () => {
    const release = await acquireRunLock(db.url);
    try {
      await start(true);
      await waitUntil(async () => (await finishedJobs()).length === 1, 30_000, 'the scheduled job');
      expect(await finishedJobs()).toEqual([
        { outcome: 'skipped', reason: 'another reconcile run is in progress' },
      ]);
      expect(await runs()).toEqual([]);
      expect(await queue.getFailedCount()).toBe(0);
    } finally {
      await release();
    }
  });

  it('verifies a sample of customers after each run, on the store with its repairs (issue 17)', async () => {
    await start(true, verifyAfterReconcile({ prisma: db.prisma, logger: silentLogger(), sample: 200 }));
    await waitUntil(async () => (await finishedJobs()).length === 1, 60_000, 'the scheduled job');
    const [run] = await runs();
    expect(run).toMatchObject({ status: 'succeeded', eventsAppended: 2 });
    expect(await finishedJobs()).toEqual([
      { outcome: 'ran', runId: run?.id, status: 'succeeded', afterReconcile: 'done' },
    ]);
    const verified = await db.prisma.verifyRun.findMany();
    expect(verified).toMatchObject([
      { trigger: 'schedule', mode: 'sample', status: 'passed', customersChecked: 2, differences: 0 },
    ]);
    expect(verified[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(run!.finishedAt!.getTime());
  });

  it('reports a failing after-reconcile step in the job, leaving the run as recorded', async () => {
    await start(true, () => Promise.reject(new Error('verify broke')));
    await waitUntil(async () => (await finishedJobs()).length === 1, 30_000, 'the scheduled job');
    const [run] = await runs();
    expect(run?.status).toBe('succeeded');
    expect(await finishedJobs()).toEqual([
      { outcome: 'ran', runId: run?.id, status: 'succeeded', afterReconcile: 'verify broke' },
    ]);
  });

  it('a worker without credentials leaves the schedule alone and says it runs none; a worker with them runs it', async () => {
    // The schedule that workers with credentials made (RECONCILE_EVERY 1h), its first run due.
    await queue.upsertJobScheduler(
      RECONCILE_SCHEDULER_ID,
      { every: 3_600_000 },
      { name: 'reconcile', data: { trigger: 'schedule' } },
    );
    expect(await queue.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 0 });

    const lines: string[] = [];
    const without = await startScheduledReconcile(env(false), {
      redis,
      logger: createLogger('worker-test', 'info', { write: (line: string) => lines.push(line) }),
    });
    started.push(without);
    expect(without.enabled).toBe(false);
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual([
      expect.stringContaining('this worker runs no reconcile') as unknown,
    ]);
    expect(await queue.getJobSchedulersCount()).toBe(1);
    expect(await queue.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 0 });
    expect(await runs()).toEqual([]);

    // The worker with credentials takes the run that waited (its own start keeps the one schedule).
    await start(true);
    await waitUntil(async () => (await finishedJobs()).length === 1, 30_000, 'the scheduled run');
    expect(await runs()).toMatchObject([{ trigger: 'schedule', status: 'succeeded', customersChecked: 2 }]);
    expect(await queue.getJobSchedulersCount()).toBe(1);
  });

  it('on shutdown, stops a run in progress after the customers in flight and records it failed', async () => {
    // More customers than a run checks at once, and slow answers.
    for (let i = 0; i < 20; i += 1) await deliverCustomerCreated(db.prisma, `more${i}`, `cust_more${i}`);
    fake.faults.push({ route: 'wallets', delayMs: 500, times: 1000 });
    const s = await start(true);
    await waitUntil(
      async () => (await runs()).some((r) => r.status === 'running'),
      30_000,
      'a run in progress',
    );
    await waitUntil(() => Promise.resolve(fake.maxInFlight() > 0), 30_000, 'a request to Rehook');
    await s.close();
    const [run] = await runs();
    expect(run?.status).toBe('failed');
    expect(run?.error).toMatch(/stopped before it finished/);
  });
});
