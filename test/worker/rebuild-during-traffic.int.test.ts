import { rebuildReadModels } from '@mirror/projections';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { startTestApi, type TestApi, type TestResponse } from '../support/test-api';
import { createTestDatabase } from '../support/database';
import { generatedWebhooks as webhooks } from '../support/event-arbitrary';
import { freshDatabasePerTest } from '../support/fresh-database';
import { recordSequentially } from '../support/record-all';
import { dumpReadModels } from '../support/read-model-dump';
import { waitUntil } from '../support/test-queue';
import { useTestWorkers } from '../support/test-workers';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();
const workers = useTestWorkers();

/** What a poller of the API saw, one customer document after another. */
interface PollLog {
  answers: number;
  /** Answers that were not a 200 with the customer's document, and why. */
  wrong: string[];
  /** 503s (a lock wait longer than the API's lock timeout), the API's documented transient answer. */
  unavailable: number;
}

/**
 * Asks for the documents of `customers` in turn until `stop` says so. A known customer must
 * come back every time, with an event count that never goes down (each request starts after
 * the previous one has answered, so it sees at least as much of the store).
 */
async function pollCustomers(
  api: TestApi,
  customers: readonly string[],
  stop: () => boolean,
): Promise<PollLog> {
  const log: PollLog = { answers: 0, wrong: [], unavailable: 0 };
  const seen = new Map<string, number>();
  for (let i = 0; !stop(); i++) {
    const sourceId = customers[i % customers.length] as string;
    const { status, body } = await api.call<{ sourceId?: string; eventCount?: number }>('getCustomer', {
      params: { sourceId },
    });
    log.answers += 1;
    if (status === 503) {
      log.unavailable += 1;
      continue;
    }
    const before = seen.get(sourceId) ?? 1;
    if (status !== 200 || body.sourceId !== sourceId || (body.eventCount ?? 0) < before) {
      log.wrong.push(`${sourceId}: ${status} ${JSON.stringify(body).slice(0, 200)} (had ${before} events)`);
    } else {
      seen.set(sourceId, body.eventCount ?? 0);
    }
  }
  return log;
}

/** Whether a statement of the API (`application_name` of its pool) waits for a table lock. */
async function apiWaitsForLock(prisma: PrismaClient): Promise<boolean> {
  const rows = await prisma.$queryRawUnsafe<unknown[]>(
    `SELECT 1 FROM pg_stat_activity
     WHERE datname = current_database() AND application_name = 'rebuild-traffic-api'
       AND wait_event_type = 'Lock'`,
  );
  return rows.length > 0;
}

/**
 * Asks for a customer while the switch holds the live tables, and says once the request waits
 * for them (an attempt that gave up first, on the API's lock timeout, is made again).
 */
function requestThroughSwitch(
  api: TestApi,
  sourceId: string,
  prisma: PrismaClient,
): { waiting: Promise<void>; answer: Promise<TestResponse> } {
  let answer = api.call('getCustomer', { params: { sourceId } });
  const waiting = (async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      let answered = false;
      const settle = () => (answered = true);
      answer.then(settle, settle);
      while (!answered) {
        if (await apiWaitsForLock(prisma)) return;
        if (Date.now() > deadline) throw new Error('no API request waited on the switch');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      answer = api.call('getCustomer', { params: { sourceId } });
    }
  })();
  return {
    waiting,
    get answer() {
      return answer;
    },
  };
}

async function storedEvents(): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM events');
  return Number(row?.n ?? 0);
}

describe('a rebuild while webhooks keep arriving', () => {
  it('never pauses live projection; what arrives meanwhile is in the new read models, as in a sequential run', async () => {
    workers.start(db.prisma);
    const before = webhooks(1500, 0, 1);
    const during = webhooks(300, 1500, 2);
    const racing = webhooks(300, 1800, 3);
    await workers.queue.enqueue(before);
    await waitUntil(async () => (await workers.queue.pending()) === 0, 180_000, 'the first events');

    const report = await rebuildReadModels(db.prisma, {
      batchSize: 50,
      onPhase: async (phase) => {
        expect(await workers.queue.queue.isPaused()).toBe(false);
        if (phase === 'loading') {
          // Awaited by the rebuild: the worker projects these while it loads.
          await workers.queue.enqueue(during);
          await waitUntil(
            async () => (await workers.queue.pending()) === 0,
            180_000,
            'the events enqueued during the rebuild',
          );
        }
        if (phase === 'catching-up') await workers.queue.enqueue(racing);
      },
    });

    expect(report.events).toBeGreaterThanOrEqual(before.length + during.length);
    await waitUntil(
      async () => (await workers.queue.pending()) === 0,
      180_000,
      'the events racing the switch',
    );
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
  }, 600_000);

  it('keeps the API answering every known customer, with nothing missing, through the switch', async () => {
    workers.start(db.prisma);
    const before = webhooks(600, 0, 4);
    await workers.queue.enqueue(before);
    await waitUntil(async () => (await workers.queue.pending()) === 0, 180_000, 'the first events');
    const known = (
      await db.prisma.$queryRawUnsafe<{ source_id: string }[]>('SELECT source_id FROM customers')
    ).map((row) => row.source_id);
    expect(known.length).toBeGreaterThan(0);
    // The API's own pool, with the API's timeouts, named so that its lock waits can be seen.
    const url = new URL(db.url);
    url.searchParams.set('application_name', 'rebuild-traffic-api');
    const apiPrisma = createPrisma(url.toString(), { role: 'api', max: 4 });
    const api = await startTestApi(apiPrisma, { queuePrefix: `${workers.queue.prefix}-api` });
    let polling = true;
    const pollers = Array.from({ length: 3 }, () => pollCustomers(api, known, () => !polling));
    let atSwitch: ReturnType<typeof requestThroughSwitch> | undefined;
    try {
      await rebuildReadModels(db.prisma, {
        batchSize: 50,
        onPhase: async (phase) => {
          if (phase === 'loading') await workers.queue.enqueue(webhooks(200, 600, 5));
          if (phase === 'catching-up') await workers.queue.enqueue(webhooks(200, 800, 6));
          if (phase === 'switching') {
            // The switch holds the live tables and is about to commit: a request now waits for
            // it, and must then read the new tables, whole.
            atSwitch = requestThroughSwitch(api, known[0] as string, db.prisma);
            await atSwitch.waiting;
          }
        },
      });
      await waitUntil(
        async () => (await workers.queue.pending()) === 0,
        180_000,
        'the events racing the switch',
      );
    } finally {
      polling = false;
    }
    const logs = await Promise.all(pollers);
    const answered = await atSwitch?.answer;
    await api.close();
    await apiPrisma.$disconnect();

    expect(answered).toMatchObject({ status: 200, body: { sourceId: known[0] } });
    expect(logs.flatMap((log) => log.wrong)).toEqual([]);
    const answers = logs.reduce((sum, log) => sum + log.answers, 0);
    const unavailable = logs.reduce((sum, log) => sum + log.unavailable, 0);
    expect(answers - unavailable).toBeGreaterThan(known.length);
    expect(await storedEvents()).toBe(1000);
  }, 600_000);
});
