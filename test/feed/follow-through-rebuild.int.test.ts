// Issue 16, item 4: `mirror rebuild` (the CLI, as an operator runs it) while events keep being
// stored and a stream client and a poller follow the feed. A rebuild changes neither events nor
// positions: each follower sees every event once, in order, and the positions it saw before
// the rebuild are the positions the feed lists after it.
import { randomBytes } from 'node:crypto';
import { recordEvents } from '@mirror/projections';
import { queuePrefixFor } from '../support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../support/test-api';
import { runMirror } from '../ops/support/processes';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliveryOf } from '../support/deliveries';
import * as b from '@mirror/rehook-bodies';
import { TEST_REDIS_URL, waitUntil } from '../support/test-queue';
import { followStream, inFeedOrder, pollFeed, type Follower } from './feed-followers';

jest.setTimeout(300_000);

const BEFORE = 3000;

let db: TestDatabase;
let api: TestApi;
const followers: Follower[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db.prisma, {
    queuePrefix: queuePrefixFor(__filename),
    feed: { databaseUrl: db.url },
  });
});

afterAll(async () => {
  await Promise.all(followers.map((follower) => follower.stop()));
  await api?.close();
  await db?.drop();
});

/** The n-th event of the test: credits, orders and signups of 50 customers. */
function delivery(n: number) {
  const customer = `cust-${n % 50}`;
  const body =
    n % 3 === 0
      ? b.walletEvent({
          direction: 'credit',
          sourceId: customer,
          transactionId: `tx_${n}`,
          points: (n % 9) + 1,
        })
      : n % 3 === 1
        ? b.orderSuccess({ sourceId: customer, total: (n % 50) + 1, orderNo: `order-${n}` })
        : b.signup({ sourceId: customer, customerId: `rh_${n % 50}`, profile: { name: `name ${n}` } });
  return deliveryOf(body, n);
}

async function positions(): Promise<Map<string, string>> {
  const rows = await db.prisma.$queryRawUnsafe<{ key: string; tx: string; seq: string }[]>(
    'SELECT idempotency_key AS key, tx_id::text AS tx, seq::text AS seq FROM events',
  );
  return new Map(rows.map((row) => [row.key, `${row.tx}/${row.seq}`]));
}

describe('following the feed through a rebuild', () => {
  it('the stream and the poller see every event once, in order, with the positions they had', async () => {
    for (let i = 0; i < BEFORE; i += 500) {
      await recordEvents(
        db.prisma,
        Array.from({ length: 500 }, (_, j) => delivery(i + j)),
      );
    }
    const stream = followStream(api.url, TEST_TOKEN);
    const poller = pollFeed(api.url, TEST_TOKEN);
    followers.push(stream, poller);
    await waitUntil(
      () => Promise.resolve(stream.events.length >= BEFORE && poller.events.length >= BEFORE),
      120_000,
      'both followers to catch up',
    );
    const positionsBefore = await positions();

    // Events keep coming, a few at a time, for as long as the rebuild runs.
    let rebuilding = true;
    let next = BEFORE;
    const traffic = (async () => {
      while (rebuilding) {
        await recordEvents(
          db.prisma,
          Array.from({ length: 10 }, (_, j) => delivery(next + j)),
        );
        next += 10;
        // Deliberate: paces the live traffic so that it goes on for the whole rebuild.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const rebuild = await runMirror(['rebuild'], {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: `feed-rebuild-${randomBytes(4).toString('hex')}`,
    });
    rebuilding = false;
    await traffic;
    expect(rebuild).toMatchObject({ code: 0 });
    const total = next;
    expect(total).toBeGreaterThan(BEFORE);

    await waitUntil(
      () => Promise.resolve(stream.events.length >= total && poller.events.length >= total),
      120_000,
      `both followers to reach ${total} events`,
    );
    // Anything sent twice would arrive right behind: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await Promise.all([stream.stop(), poller.stop()]);

    const positionsAfter = await positions();
    for (const [key, position] of positionsBefore) expect(positionsAfter.get(key)).toBe(position);
    const stored = await db.prisma.$queryRawUnsafe<{ key: string }[]>(
      'SELECT idempotency_key AS key FROM events ORDER BY tx_id, seq',
    );
    for (const follower of [stream, poller]) {
      expect(follower.events.map((event) => event.idempotencyKey)).toEqual(stored.map((row) => row.key));
      expect(inFeedOrder(follower.events)).toBe(true);
    }
  });
});
