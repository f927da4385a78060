import { spawn } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
import { createTestDatabase } from '../../../test/support/database';
import { deliveryOf } from '../../../test/support/deliveries';
import { generatedDeliveries, generatedWebhooks } from '../../../test/support/event-arbitrary';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { recordConcurrently } from '../../../test/support/record-all';
import * as b from '@mirror/rehook-bodies';
import { waitUntil } from '../../../test/support/test-queue';
import { useTestWorkers } from '../../../test/support/test-workers';
import { NO_ROW, WHOLE_ROW } from './difference';
import { runVerify } from './run-verify';
import { verifyState } from './run-store';

// Workers, queues and fresh databases take seconds on a loaded machine.
jest.setTimeout(120_000);

const db = freshDatabasePerTest();
const ROOT = path.resolve(__dirname, '../../..');
const SOURCE_IDS = ['KMN@123', 'KRISH@123', 'New_customer24'];

/** Every mode over the same store: all, each customer alone, a sample. */
async function verifyEveryWay(prisma: PrismaClient) {
  return [
    await runVerify({ prisma, all: true, batchSize: 100, flushRows: 200 }),
    await runVerify({ prisma, customers: SOURCE_IDS }),
    await runVerify({ prisma, sample: 2 }),
  ];
}

describe('verify over a store written by live workers', () => {
  const workers = useTestWorkers();

  it('passes in every mode, and names the row and column of a read-model row changed by hand', async () => {
    workers.start(db.prisma);
    await workers.queue.enqueue(generatedWebhooks(600, 0, 11));
    await waitUntil(
      async () => (await workers.queue.pending()) === 0,
      90_000,
      'the workers to drain the queue',
    );

    for (const run of await verifyEveryWay(db.prisma)) {
      expect({ mode: run.mode, status: run.status, differences: run.differences }).toEqual({
        mode: run.mode,
        status: 'passed',
        differences: [],
      });
    }

    const [entry] = await db.prisma.$queryRawUnsafe<{ source_id: string; points: string }[]>(
      `SELECT source_id, points::text AS points FROM wallet_transactions
       WHERE transaction_id = 'trhi_1' AND direction = 'credit'`,
    );
    if (entry === undefined) throw new Error('the traffic held no credit of trhi_1');
    await db.prisma.$executeRawUnsafe(
      `UPDATE wallet_transactions SET points = points + 1 WHERE transaction_id = 'trhi_1' AND direction = 'credit'`,
    );
    const changed = {
      customer: entry.source_id,
      table: 'wallet_transactions',
      row: 'transaction_id=trhi_1, direction=credit',
      column: 'points',
      expected: entry.points,
      found: (Number(entry.points) + 1).toFixed(4),
    };
    const all = await runVerify({ prisma: db.prisma, all: true });
    expect(all.status).toBe('differences');
    expect(all.differences).toEqual([changed]);
    const one = await runVerify({ prisma: db.prisma, customers: [entry.source_id] });
    expect(one.differences).toEqual([changed]);
  });
});

describe('verify over random histories recorded concurrently', () => {
  it('finds no difference in any mode, whatever the history (keys shared by customers included)', async () => {
    await fc.assert(
      fc.asyncProperty(generatedDeliveries(60), async (deliveries) => {
        const store = await createTestDatabase();
        const other = createPrisma(store.url, { max: 2 });
        try {
          await recordConcurrently([store.prisma, other], deliveries, 3);
          for (const run of await verifyEveryWay(store.prisma)) {
            expect(run.differences).toEqual([]);
            expect(run.status).toBe('passed');
          }
        } finally {
          await other.$disconnect();
          await store.drop();
        }
      }),
      { numRuns: 6, seed: 17 },
    );
  }, 400_000);
});

describe('verify finds rows', () => {
  async function store(...bodies: Parameters<typeof deliveryOf>[0][]) {
    await recordEvents(
      db.prisma,
      bodies.map((body, i) => deliveryOf(body, i)),
      { origin: 'webhook' },
    );
  }

  it('missing from a read model and present there by mistake, and records the run', async () => {
    await store(
      b.segmentEvent({
        kind: 'entered',
        sourceId: 'KMN@123',
        segmentId: 'sgmt_high',
        segmentName: 'High spenders',
      }),
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_9', points: 5 }),
    );
    await db.prisma.$executeRawUnsafe(`DELETE FROM segment_memberships WHERE source_id = 'KMN@123'`);
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO customers (source_id, first_seen_at, last_event_at, event_count) VALUES ('ghost', now(), now(), 1)`,
    );

    const run = await runVerify({ prisma: db.prisma, all: true });
    expect(run.status).toBe('differences');
    expect(run.differences.map((d) => [d.customer, d.table, d.row, d.column])).toEqual([
      ['ghost', 'customers', 'source_id=ghost', WHOLE_ROW],
      ['KMN@123', 'segment_memberships', 'segment_id=sgmt_high, source_id=KMN@123', WHOLE_ROW],
    ]);
    expect(run.differences[0]?.expected).toBe(NO_ROW);
    expect(run.differences[1]?.found).toBe(NO_ROW);
    expect(JSON.parse(run.differences[1]?.expected ?? '')).toMatchObject({ is_member: 'true' });

    const ghost = await runVerify({ prisma: db.prisma, customers: ['ghost'], trigger: 'schedule' });
    expect(ghost.differences.map((d) => d.table)).toEqual(['customers']);

    const state = await verifyState(db.prisma);
    expect(state.lastRun).toMatchObject({
      id: ghost.id,
      trigger: 'schedule',
      mode: 'customers',
      status: 'differences',
      customersChecked: 1,
      differences: 1,
      error: null,
    });
    expect(state.lastRun?.finishedAt).toBeInstanceOf(Date);
    expect(state.lastPassedAt).toBeNull();
    const [recorded] = await db.prisma.verifyRun.findMany({ where: { id: run.id } });
    expect(recorded?.firstDifferences).toEqual(run.differences.map((d) => ({ ...d })));
  });

  it("a customer's report of a segment's name changed by hand, in every mode", async () => {
    await store(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_vip', segmentName: 'VIP' }),
      b.segmentEvent({
        kind: 'entered',
        sourceId: 'PLO@456',
        segmentId: 'sgmt_vip',
        segmentName: 'Very important',
      }),
    );
    await db.prisma.$executeRawUnsafe(
      `UPDATE segment_names SET name = 'Renamed' WHERE segment_id = 'sgmt_vip' AND source_id = 'KMN@123'`,
    );
    const changed = {
      customer: 'KMN@123',
      table: 'segment_names',
      row: 'segment_id=sgmt_vip, source_id=KMN@123',
      column: 'name',
      expected: 'VIP',
      found: 'Renamed',
    };
    expect((await runVerify({ prisma: db.prisma, all: true })).differences).toEqual([changed]);
    expect((await runVerify({ prisma: db.prisma, customers: ['KMN@123'] })).differences).toEqual([changed]);
    // The other customer's report of the same segment is theirs: verifying them finds nothing.
    expect((await runVerify({ prisma: db.prisma, customers: ['PLO@456'] })).differences).toEqual([]);
  });

  it('a failure to compare is a failed run with its error', async () => {
    await store(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_9', points: 5 }),
    );
    // The snapshot's transaction ends before verify has compared anything.
    const run = await runVerify({ prisma: db.prisma, all: true, timeoutMs: 1 });
    expect(run.status).toBe('failed');
    expect(run.error).not.toBeNull();
    expect((await verifyState(db.prisma)).lastRun).toMatchObject({ status: 'failed', error: run.error });
  });
});

describe('a verify run whose process died', () => {
  it('is marked failed as abandoned by the next run, and a run still going is not', async () => {
    const killed = spawn(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      ['test/support/verify-until-killed.ts', db.url],
      {
        cwd: ROOT,
        detached: true,
        stdio: 'ignore',
      },
    );
    const exited = new Promise((resolve) => killed.once('exit', resolve));
    try {
      await waitUntil(
        async () => (await verifyState(db.prisma)).lastRun?.status === 'running',
        60_000,
        'the run to start',
      );
      const { lastRun: stuck } = await verifyState(db.prisma);
      // While its process lives, the run is going: a run meanwhile leaves it be.
      await runVerify({ prisma: db.prisma, customers: ['KMN@123'] });
      expect(await statusOf(stuck!.id)).toEqual({ status: 'running', error: null });

      process.kill(-killed.pid!, 'SIGKILL');
      await exited;
      // Postgres ends the dead client's session (and its lock) when it sees the socket closed:
      // a moment after the process is gone, not at once.
      await waitUntil(
        async () => {
          const [row] = await db.prisma.$queryRaw<{ held: number }[]>`
            SELECT count(*)::int AS held FROM pg_locks
            WHERE locktype = 'advisory' AND classid = ${0x76657269}::oid AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;
          return row?.held === 0;
        },
        30_000,
        "the killed run's session to end",
      );
      const next = await runVerify({ prisma: db.prisma, customers: ['KMN@123'] });
      expect(next.status).toBe('passed');
      expect(await statusOf(stuck!.id)).toEqual({
        status: 'failed',
        error: `abandoned: the process running it ended before it finished (found by run ${next.id})`,
      });
    } finally {
      if (killed.exitCode === null && killed.signalCode === null) process.kill(-killed.pid!, 'SIGKILL');
    }
  });
});

/** A recorded run's status and error. */
async function statusOf(id: string): Promise<{ status: string; error: string | null }> {
  const [row] = await db.prisma.$queryRaw<{ status: string; error: string | null }[]>`
    SELECT status::text AS status, error FROM verify_runs WHERE id = ${id}::uuid`;
  return row ?? { status: 'none', error: null };
}

describe('verify and the workers', () => {
  it('an append commits while verify holds its snapshot, and verify sees the store as it was', async () => {
    await recordEvents(
      db.prisma,
      [
        deliveryOf(
          b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 5 }),
          0,
        ),
      ],
      {
        origin: 'webhook',
      },
    );
    // A worker's connection: it would give up on a lock after 20 s; this test wants no wait at all.
    const worker = createPrisma(db.url, { role: 'worker', max: 1 });
    try {
      let appendMs = Number.NaN;
      const run = await runVerify({
        prisma: db.prisma,
        all: true,
        onSnapshot: async () => {
          const started = performance.now();
          await worker.$executeRawUnsafe("SET lock_timeout = '1s'");
          await recordEvents(
            worker,
            [
              deliveryOf(
                b.walletEvent({
                  direction: 'debit',
                  sourceId: 'KMN@123',
                  transactionId: 'trhi_1',
                  points: 2,
                }),
                1,
              ),
              deliveryOf(b.signup({ sourceId: 'Newcomer', customerId: 'cust_n', profile: {} }), 2),
            ],
            { origin: 'webhook' },
          );
          appendMs = performance.now() - started;
        },
      });
      expect(Number.isFinite(appendMs)).toBe(true);
      expect(run.status).toBe('passed');
      expect(run.events).toBe(1);
      expect(run.customersChecked).toBe(1);
      const after = await runVerify({ prisma: db.prisma, all: true });
      expect(after).toMatchObject({ status: 'passed', events: 3, customersChecked: 2 });
    } finally {
      await worker.$disconnect();
    }
  });
});
