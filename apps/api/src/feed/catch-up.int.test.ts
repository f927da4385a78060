// Streams that catch up (reading the store page by page) while the hub keeps reading new
// batches under steady traffic, then go live: each gets every event once, in order.
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { followStream, inFeedOrder, type StreamFollower } from '../../../../test/feed/feed-followers';
import { waitUntil } from '../../../../test/support/test-queue';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';

const BACKLOG = 3000;
const STREAMS = 20;

let db: TestDatabase;
let api: TestApi;
let writer: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  writer = new Client({ connectionString: db.url });
  await writer.connect();
  await writer.query(
    `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
     SELECT 'backlog-' || i, i, now(), 'c' || (i % 7), 'unrecognized', '{}' FROM generate_series(1, $1) AS i`,
    [BACKLOG],
  );
  // A small page, so that catching up takes many reads while the hub reads new batches.
  api = await startTestApi(db.prisma, {
    queuePrefix: queuePrefixFor(__filename),
    feed: { databaseUrl: db.url, options: { pageSize: 50 } },
  });
});

afterAll(async () => {
  await writer?.end();
  await api?.close();
  await db?.drop();
});

describe('streams catching up under steady traffic', () => {
  it('each gets every event once, in order', async () => {
    let writing = true;
    let written = 0;
    const traffic = (async () => {
      while (writing) {
        await writer.query(
          `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
           VALUES ($1, 0, now(), 'c1', 'unrecognized', '{}'), ($2, 0, now(), 'c2', 'unrecognized', '{}')`,
          [`live-${written}`, `live-${written + 1}`],
        );
        written += 2;
        // Deliberate: paces the live traffic so that it goes on while the streams catch up.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const streams: StreamFollower[] = [];
    for (let i = 0; i < STREAMS; i++) {
      streams.push(followStream(api.url, TEST_TOKEN, i % 2 === 0 ? '' : 'sourceId=c1'));
      // Deliberate: staggers the streams so that each starts its catch-up at another point.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      await waitUntil(
        () => Promise.resolve(streams.every((s) => s.events.length > BACKLOG / 7)),
        120_000,
        'every stream to catch up',
      );
      // Traffic goes on a little after the last stream caught up, then stops.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      writing = false;
      await traffic;
    }
    const stored = await db.prisma.$queryRawUnsafe<{ key: string; source: string }[]>(
      'SELECT idempotency_key AS key, source_id AS source FROM events ORDER BY tx_id, seq',
    );
    const expected = (i: number) =>
      stored.filter((row) => i % 2 === 0 || row.source === 'c1').map((row) => row.key);
    await waitUntil(
      () => Promise.resolve(streams.every((s, i) => s.events.length >= expected(i).length)),
      60_000,
      'every stream to get every event',
    );
    // Deliberate: gives an event sent twice the time to show up before the streams are stopped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all(streams.map((s) => s.stop()));
    for (const [i, stream] of streams.entries()) {
      expect(stream.events.map((event) => event.idempotencyKey)).toEqual(expected(i));
      expect(inFeedOrder(stream.events)).toBe(true);
    }
  });
});
