// A `mirror rebuild` process ended by SIGINT, SIGTERM or SIGKILL at each of its phases, with a
// real worker process projecting from a real queue all along: the mirror stays live (the queue
// is never paused, what arrives is projected), the previous read models stay in place (unless
// the switch had committed), and the next rebuild starts cleanly and completes, with read models
// equal to the live ones.
import type { PrismaClient } from '@mirror/db';
import { REBUILD_PHASES, type RebuildPhase, rebuildReadModels, rebuildState } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { generatedWebhooks } from '../support/event-arbitrary';
import { dumpReadModels } from '../support/read-model-dump';
import { createTestQueue, TEST_REDIS_URL, type TestQueue, waitUntil } from '../support/test-queue';
import { type AppProcess, startApp, startMirror } from './support/processes';

// Each case starts a CLI process and waits for a worker process: minutes on a loaded machine.
jest.setTimeout(600_000);

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;
type Signal = (typeof SIGNALS)[number];

/** How the CLI ends on each signal: its own exit code for the two it handles, killed by the third. */
const ENDING: Record<Signal, { code: number | null; signal: NodeJS.Signals | null }> = {
  SIGINT: { code: 130, signal: null },
  SIGTERM: { code: 143, signal: null },
  SIGKILL: { code: null, signal: 'SIGKILL' },
};

/** The read-model tables of the live schema, by the identity of the table (its oid). */
async function liveTables(prisma: PrismaClient): Promise<Record<string, number>> {
  const rows = await prisma.$queryRawUnsafe<{ table: string; oid: number }[]>(
    `SELECT c.relname AS "table", c.oid::int AS oid FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname IN (
       'customers', 'customer_properties', 'customer_identities', 'wallet_transactions',
       'webhook_rewards', 'coupons', 'coupon_redemptions', 'referrals', 'leaderboard_awards',
       'segments', 'segment_memberships')`,
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.oid]));
}

async function storedEvents(prisma: PrismaClient): Promise<number> {
  const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM events');
  return Number(row?.n ?? 0);
}

async function rebuildSchemas(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ name: string }[]>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname IN ('mirror_rebuild', 'mirror_retired') ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

describe('a mirror rebuild process ended by a signal', () => {
  let db: TestDatabase;
  let queue: TestQueue;
  let worker: AppProcess;
  let env: Record<string, string>;
  let sent = 0;

  /** Enqueues `count` new distinct events, as the ingest would. */
  const send = async (count: number) => {
    await queue.enqueue(generatedWebhooks(count, sent, sent + 1));
    sent += count;
  };
  const projectedAll = (what: string) =>
    waitUntil(
      async () => (await queue.pending()) === 0 && (await storedEvents(db.prisma)) === sent,
      120_000,
      what,
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    queue = createTestQueue();
    env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: queue.prefix, LOG_LEVEL: 'warn' };
    worker = startApp('worker', env);
    await send(300);
    await projectedAll('the first events, projected by the worker process');
  });

  afterAll(async () => {
    await worker.stop();
    await queue.close();
    await db.drop();
  });

  const cases = REBUILD_PHASES.flatMap((phase) => SIGNALS.map((signal) => [signal, phase] as const));

  it.each(cases)(
    '%s at %s leaves the mirror live and the previous read models in place; the next rebuild completes',
    async (signal: Signal, phase: RebuildPhase) => {
      const tablesBefore = await liveTables(db.prisma);
      const rebuild = startMirror(['rebuild', '--batch-size', '50', '--pause-at', phase], env);
      await rebuild.printed(`paused at ${phase}`);

      // Webhooks keep arriving while the rebuild holds. Before the switch, the worker projects
      // them at once; the switch holds the live tables, so there they wait for its end.
      await send(40);
      if (phase !== 'switching') await projectedAll(`the events sent while the rebuild paused at ${phase}`);
      expect(await queue.queue.isPaused()).toBe(false);

      rebuild.child.kill(signal);
      expect(await rebuild.exited).toEqual(ENDING[signal]);

      // Live: the queue runs, and what arrives now is projected too.
      expect(await queue.queue.isPaused()).toBe(false);
      await send(40);
      await projectedAll(`the events sent after the ${signal}`);
      if (phase === 'done') {
        // Ended after its switch had committed: the rebuilt tables are the live ones.
        expect(await rebuildState(db.prisma)).toMatchObject({
          running: false,
          latest: { status: 'succeeded' },
        });
        expect(await liveTables(db.prisma)).not.toEqual(tablesBefore);
      } else {
        expect(await rebuildState(db.prisma)).toMatchObject({
          running: false,
          latest: { status: 'interrupted' },
        });
        expect(await liveTables(db.prisma)).toEqual(tablesBefore);
      }
      const live = await dumpReadModels(db.prisma);

      // The next run, in this process (the code behind `mirror rebuild`; a CLI process per case
      // would double this file's time), starts cleanly over whatever the killed one left.
      const again = await rebuildReadModels(db.prisma);

      expect(again.events).toBe(sent);
      expect(await rebuildState(db.prisma)).toMatchObject({
        running: false,
        latest: { status: 'succeeded', phase: 'done', events: sent },
      });
      expect(await rebuildSchemas(db.prisma)).toEqual([]);
      expect(await dumpReadModels(db.prisma)).toEqual(live);
    },
  );
});
