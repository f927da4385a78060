import { UnrecoverableError, Worker } from 'bullmq';
import { rebuildReadModels } from '@mirror/projections';
import { buildWebhookJob, createRedisConnection, ReceiptClock, WEBHOOK_QUEUE } from '@mirror/queue';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { EventsPerMinute, Stats } from '../schemas/stats';
import { Deliverer } from '../../../../test/support/deliver';
import { allFixtures, ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_REDIS_URL, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const PREFIX = queuePrefixFor(__filename);
/** The API's clock runs a minute ahead, so that ages are large and exact enough to assert. */
const AHEAD_MS = 60_000;
const clock = new ReceiptClock();

function job(n: number) {
  const body = { event_name: 'signup', source: 'rehook', source_id: `queued-${n}`, metadata: {} };
  return buildWebhookJob({ rawBody: JSON.stringify(body), body }, clock);
}
/** The job that fails: built once, since a content key carries its receipt stamp. */
const failingJob = job(0);

beforeAll(async () => {
  db = await createTestDatabase();
  await new Deliverer(db.prisma).deliver([
    ...allFixtures(),
    { event_name: 'customer.teleported', source: 'rehook', source_id: 'x', metadata: {} },
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: PREFIX, now: () => new Date(Date.now() + AHEAD_MS) });

  // One job fails for good (as a worker does with a job it can never process)...
  await api.queue.enqueue(failingJob, 2_000);
  const connection = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
  const worker = new Worker(
    WEBHOOK_QUEUE,
    () => {
      throw new UnrecoverableError('cannot process this job');
    },
    { connection, prefix: PREFIX },
  );
  await new Promise<void>((resolve) => worker.once('failed', () => resolve()));
  await worker.close();
  connection.disconnect();
  // ...and three wait for a worker.
  for (const n of [1, 2, 3]) await api.queue.enqueue(job(n), 2_000);
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/stats', () => {
  it('counts stored events by name and status', async () => {
    const res = await api.call<Stats>('getStats');
    expect(res.status).toBe(200);
    const fixtures = allFixtures().length;
    expect(res.body.events.total).toBe(fixtures + 1);
    expect(res.body.events.byStatus).toEqual({ projected: fixtures, unrecognized: 1, invalid: 0 });
    expect(res.body.events.byNameAndStatus).toEqual(
      expect.arrayContaining([
        {
          name: 'customer.rewarded',
          status: 'projected',
          count: 2,
          lastReceivedAt: expect.stringMatching(ISO) as unknown,
        },
        {
          name: null,
          status: 'unrecognized',
          count: 1,
          lastReceivedAt: expect.stringMatching(ISO) as unknown,
        },
      ]),
    );
  });

  it('reports queue depth, failed jobs and how far projection lags', async () => {
    const res = await api.call<Stats>('getStats');
    expect(res.body.queueError).toBeNull();
    expect(res.body.queue).toEqual({
      name: WEBHOOK_QUEUE,
      counts: { waiting: 3, active: 0, delayed: 0, prioritized: 0, failed: 1, completed: 0 },
      paused: false,
      recentFailedJobs: [
        {
          jobId: expect.any(String) as unknown,
          idempotencyKey: failingJob.idempotencyKey,
          failedReason: 'cannot process this job',
          attemptsMade: 1,
          failedAt: expect.stringMatching(ISO) as unknown,
        },
      ],
    });
    const lag = res.body.projectionLag;
    expect(lag.oldestWaitingJobAgeMs).toBeGreaterThanOrEqual(AHEAD_MS);
    expect(lag.newestEventReceivedAt).toMatch(ISO);
    expect(lag.newestEventAgeMs).toBeGreaterThanOrEqual(AHEAD_MS);
    expect(lag.newestEventStoreDelayMs).toBeGreaterThanOrEqual(0);
  });

  it('still answers, without the queue part, when Redis is unreachable', async () => {
    const offline = await startTestApi(db.prisma, {
      queuePrefix: `${PREFIX}-offline`,
      redisUrl: 'redis://127.0.0.1:1',
    });
    try {
      const started = Date.now();
      const res = await offline.call<Stats>('getStats');
      expect(res.status).toBe(200);
      expect(res.body.queue).toBeNull();
      expect(res.body.queueError).toEqual(expect.any(String));
      expect(res.body.projectionLag.oldestWaitingJobAgeMs).toBeNull();
      expect(res.body.events.total).toBeGreaterThan(0);
      // Not a hang: the queue part gives up after 2 s; the rest is slack for a loaded machine.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await offline.close();
    }
  });

  it('says when a rebuild is running and how the latest one ended', async () => {
    expect((await api.call<Stats>('getStats')).body.rebuild).toEqual({ running: false, latest: null });
    let during: Stats['rebuild'] | undefined;
    await rebuildReadModels(db.prisma, {
      onPhase: async (phase) => {
        if (phase === 'loading') during = (await api.call<Stats>('getStats')).body.rebuild;
      },
    });
    expect(during).toEqual({
      running: true,
      latest: expect.objectContaining({ status: 'running', phase: 'loading', finishedAt: null }) as unknown,
    });
    expect((await api.call<Stats>('getStats')).body.rebuild).toEqual({
      running: false,
      latest: {
        id: expect.any(String) as unknown,
        status: 'succeeded',
        phase: 'done',
        startedAt: expect.stringMatching(ISO) as unknown,
        finishedAt: expect.stringMatching(ISO) as unknown,
        events: allFixtures().length + 1,
        error: null,
      },
    });
  });

  it('says when the queue is paused', async () => {
    await api.queue.queue.pause();
    try {
      expect((await api.call<Stats>('getStats')).body.queue?.paused).toBe(true);
    } finally {
      await api.queue.queue.resume();
    }
    expect((await api.call<Stats>('getStats')).body.queue?.paused).toBe(false);
  });

  it('answers 400 for a query parameter and 401 without the token', async () => {
    expect((await api.callPath('getStats', '/v1/stats?fresh=1')).status).toBe(400);
    expect((await api.call('getStats', { token: null })).status).toBe(401);
  });
});

describe('GET /v1/stats/events-per-minute', () => {
  it('counts the events of the window by minute of receipt and name', async () => {
    const res = await api.call<EventsPerMinute>('getEventsPerMinute', { query: { minutes: 10 } });
    expect(res.status).toBe(200);
    expect(res.body.truncated).toBe(false);
    const total = res.body.counts.reduce((sum, c) => sum + c.count, 0);
    expect(total).toBe(allFixtures().length + 1);
    expect(res.body.counts).toEqual(
      expect.arrayContaining([
        { minute: expect.stringMatching(/:00\.000Z$/) as unknown, name: null, count: 1 },
        expect.objectContaining({ name: 'customer.rewarded' }),
      ]),
    );
  });

  it('leaves out what was received before the window', async () => {
    // The API's clock runs a minute ahead, so a one-minute window starts after every event.
    const res = await api.call<EventsPerMinute>('getEventsPerMinute', { query: { minutes: 1 } });
    expect(res.body.counts).toEqual([]);
  });

  it('answers 400 for a window out of range', async () => {
    for (const minutes of ['0', '1441', 'x']) {
      const res = await api.callPath('getEventsPerMinute', `/v1/stats/events-per-minute?minutes=${minutes}`);
      expect(res.status).toBe(400);
    }
  });
});
