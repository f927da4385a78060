// The end-to-end run: three worker processes commit concurrently while a downstream
// service follows the feed twice, with the `eventsource` package on `/v1/stream` and with a
// poller of `/v1/events?after=`. The API process is killed mid-run and started again on the
// same port: the stream resumes with Last-Event-ID, the poller with its last position, and each
// sees every stored event exactly once, in position order.
import { randomBytes } from 'node:crypto';
import { freePort } from '../support/free-ports';
import { startAppProcess, waitUntilServing, type AppProcess } from '../support/app-process';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliveryOf } from '../support/deliveries';
import * as b from '@mirror/rehook-bodies';
import { createTestQueue, TEST_REDIS_URL, waitUntil, type TestQueue } from '../support/test-queue';
import { startWorkerProcess } from '../support/worker-process';
import { followStream, inFeedOrder, pollFeed, type Follower } from './feed-followers';

jest.setTimeout(300_000);

const TOKEN = `feed-e2e-${randomBytes(8).toString('hex')}`;
const EVENTS = 2400;
const CHUNKS = 12;

let db: TestDatabase;
let queue: TestQueue;
const processes: AppProcess[] = [];
const followers: Follower[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  queue = createTestQueue();
});

afterAll(async () => {
  await Promise.all(followers.map((follower) => follower.stop()));
  for (const app of processes) app.kill('SIGKILL');
  await Promise.all(processes.map((app) => app.exited));
  await queue?.close();
  await db?.drop();
});

async function count(sql: string): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(sql);
  return Number(row?.n ?? 0);
}

/** Distinct events of several kinds and customers (each names its own occurrence). */
function deliveries(): ReturnType<typeof deliveryOf>[] {
  return Array.from({ length: EVENTS }, (_, i) => {
    const customer = `cust-${i % 40}`;
    const body =
      i % 3 === 0
        ? b.walletEvent({
            direction: 'credit',
            sourceId: customer,
            transactionId: `tx_${i}`,
            points: (i % 9) + 1,
          })
        : i % 3 === 1
          ? b.orderSuccess({ sourceId: customer, total: (i % 50) + 1, orderNo: `order-${i}` })
          : b.walletEvent({ direction: 'debit', sourceId: customer, transactionId: `tx_${i}`, points: 1 });
    return deliveryOf(body, i);
  });
}

describe('following the feed while three workers commit concurrently', () => {
  it('the stream and the poller each see every event exactly once, in order, across an API restart', async () => {
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: queue.prefix };
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const startApi = async () => {
      const api = startAppProcess('api', { ...env, API_PORT: String(port), API_TOKEN: TOKEN });
      processes.push(api);
      await waitUntilServing(`${apiUrl}/healthz`, api, 60_000);
      return api;
    };
    const api = await startApi();
    for (let i = 0; i < 3; i++) processes.push(startWorkerProcess({ ...env, WORKER_CONCURRENCY: '16' }));

    const stream = followStream(apiUrl, TOKEN);
    const poller = pollFeed(apiUrl, TOKEN);
    followers.push(stream, poller);

    // Webhooks arrive in chunks while the workers run, so transactions overlap and commit out
    // of seq order; the API is killed once about half of them are stored.
    const all = deliveries();
    const chunk = EVENTS / CHUNKS;
    for (let i = 0; i < CHUNKS / 2; i++) {
      await queue.enqueue(all.slice(i * chunk, (i + 1) * chunk));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await waitUntil(
      async () => stream.events.length > 0 && (await count('SELECT count(*) AS n FROM events')) >= EVENTS / 3,
      120_000,
      'a third of the events stored and the stream flowing',
    );
    api.kill('SIGKILL');
    await api.exited;
    const seenBeforeRestart = stream.events.length;
    const restarted = startApi();
    for (let i = CHUNKS / 2; i < CHUNKS; i++) {
      await queue.enqueue(all.slice(i * chunk, (i + 1) * chunk));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await restarted;

    await waitUntil(async () => (await queue.pending()) === 0, 180_000, 'every job to complete');
    expect(await count('SELECT count(*) AS n FROM events')).toBe(EVENTS);
    await waitUntil(
      () => Promise.resolve(stream.events.length >= EVENTS && poller.events.length >= EVENTS),
      120_000,
      `both followers to reach ${EVENTS} events (stream ${stream.events.length}, poller ${poller.events.length})`,
    );
    // Anything sent twice would arrive right behind: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all([stream.stop(), poller.stop()]);

    const stored = await db.prisma.$queryRawUnsafe<{ key: string }[]>(
      'SELECT idempotency_key AS key FROM events ORDER BY tx_id, seq',
    );
    const storedKeys = stored.map((row) => row.key);
    for (const follower of [stream, poller]) {
      expect(follower.events.map((event) => event.idempotencyKey)).toEqual(storedKeys);
      expect(inFeedOrder(follower.events)).toBe(true);
    }
    expect(stream.ids).toEqual(stream.events.map((event) => event.position));
    // The restart happened mid-stream, and the stream came back by itself.
    expect(seenBeforeRestart).toBeLessThan(EVENTS);
    expect(stream.opens()).toBeGreaterThanOrEqual(2);
    // The run had transactions that overlapped, where seq order and commit order part: events
    // whose seq is below that of an event before them in feed order.
    expect(
      await count(
        'SELECT count(*) AS n FROM (SELECT seq < max(seq) OVER (ORDER BY tx_id, seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS late FROM events) t WHERE late',
      ),
    ).toBeGreaterThan(0);
  });
});
