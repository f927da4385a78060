import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import { deliverCustomerCreated, deliverWalletWebhook, ledgerOf } from '@mirror/reconcile/testing';
import { type FakeRehook, startFakeRehook } from '@mirror/rehook-api/testing';
import { randomBytes } from 'node:crypto';
import { createReconcileQueue } from '../../apps/worker/src/reconcile-queue';
import { freshDatabasePerTest } from '../support/fresh-database';
import { TEST_REDIS_URL, waitUntil } from '../support/test-queue';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

// Scheduled reconciliation with real worker processes: the schedule is BullMQ's, the run lock
// is Postgres's, and what a kill leaves behind is only visible across processes.

const db = freshDatabasePerTest();
let fake: FakeRehook;
let prefix: string;
const workers: WorkerProcess[] = [];
const redis = createRedisConnection(TEST_REDIS_URL, { role: 'producer' });

beforeEach(() => {
  prefix = `mirror-test-${process.pid}-${randomBytes(4).toString('hex')}`;
});

afterEach(async () => {
  for (const worker of workers.splice(0)) {
    worker.kill('SIGKILL');
    await worker.exited;
  }
  await fake?.close();
  await removeKeysByPrefix(redis, prefix);
});

afterAll(async () => {
  await redis.quit();
});

/** `customers` customers of 2 wallets; the webhooks of every other transaction never arrived. */
async function history(customers: number): Promise<number> {
  fake = await startFakeRehook({ pageSize: 5 });
  let lost = 0;
  for (let c = 0; c < customers; c += 1) {
    const sourceId = `c${c}@shop`;
    const customer = fake.customer(sourceId, `cust_${c}`);
    await deliverCustomerCreated(db.prisma, sourceId, customer.id);
    for (const w of ['a', 'b']) {
      const wallet = fake.wallet(sourceId, `waty_${w}${c}`);
      for (let i = 0; i < 6; i += 1) {
        const tx = { transaction_id: `trhi_${c}_${w}_${i}`, type: 'credit' as const, points: i + 1 };
        wallet.transactions.push(tx);
        if (i % 2 === 0) await deliverWalletWebhook(db.prisma, sourceId, tx);
        else lost += 1;
      }
    }
  }
  return lost;
}

function startWorker(every: string): WorkerProcess {
  const worker = startWorkerProcess({
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    REHOOK_API_URL: fake.url,
    REHOOK_API_KEY: fake.apiKey,
    REHOOK_API_SECRET: fake.apiSecret,
    RECONCILE_EVERY: every,
    // A killed worker's run is noticed (and run again) within about twice this.
    WORKER_LOCK_DURATION_MS: '2000',
  });
  workers.push(worker);
  return worker;
}

const runs = () => db.prisma.reconcileRun.findMany({ orderBy: { startedAt: 'asc' } });
const repairs = () => db.prisma.event.count({ where: { origin: 'reconcile' } });

async function expectLedgersEqualTheFake() {
  for (const [sourceId, customer] of fake.customers) {
    const expected = customer.wallets
      .flatMap((w) => w.transactions.map((t) => `${t.type}:${t.transaction_id}:${t.points}`))
      .sort();
    expect(await ledgerOf(db.prisma, sourceId)).toEqual(expected);
  }
}

describe('scheduled reconcile across worker processes', () => {
  it('two workers keep one schedule and run one reconcile at a time, repairing each loss once', async () => {
    const lost = await history(6);
    // Slow answers, so that a run lasts about as long as the interval.
    fake.faults.push({ route: 'wallets', delayMs: 150, times: 1_000_000 });
    startWorker('1500');
    startWorker('1500');
    await waitUntil(
      async () => (await runs()).filter((r) => r.status !== 'running').length >= 3,
      90_000,
      'three finished scheduled runs',
    );
    const queue = createReconcileQueue(redis, prefix);
    try {
      expect(await queue.getJobSchedulersCount()).toBe(1);
    } finally {
      await queue.close();
    }
    const finished = (await runs()).filter((r) => r.status !== 'running');
    expect(finished.every((r) => r.trigger === 'schedule' && r.status === 'succeeded')).toBe(true);
    // One at a time: each run started after the one before it finished.
    for (let i = 1; i < finished.length; i += 1) {
      expect(finished[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(finished[i - 1]!.finishedAt!.getTime());
    }
    expect(finished[0]?.eventsAppended).toBe(lost);
    expect(finished.slice(1).every((r) => r.eventsAppended === 0)).toBe(true);
    expect(await repairs()).toBe(lost);
    await expectLedgersEqualTheFake();
  }, 150_000);

  it('a worker killed mid-run leaves the next run able to start: the run is redone and the killed one marked failed', async () => {
    const lost = await history(40);
    fake.faults.push({ route: 'wallets', delayMs: 400, times: 1_000_000 });
    const first = startWorker('1h');
    await waitUntil(async () => (await repairs()) > 0, 90_000, 'the first repairs of the scheduled run');
    first.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    const [killed] = await runs();
    expect(killed?.status).toBe('running');
    expect(await repairs()).toBeLessThan(lost);

    // Another worker finds the run's job stalled and runs it again; the schedule is unchanged.
    startWorker('1h');
    await waitUntil(
      async () => (await runs()).some((r) => r.status === 'succeeded'),
      120_000,
      'a succeeded run after the kill',
    );
    const [interrupted, redone, ...rest] = await runs();
    expect(rest).toEqual([]);
    expect(interrupted).toMatchObject({ id: killed?.id, status: 'failed' });
    expect(interrupted?.error).toMatch(/interrupted/);
    expect(redone).toMatchObject({ trigger: 'schedule', status: 'succeeded' });
    expect(await repairs()).toBe(lost);
    await expectLedgersEqualTheFake();
  }, 240_000);
});
