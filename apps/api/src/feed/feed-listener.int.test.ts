// The feed's one LISTEN connection is woken by every commit that can move the feed's horizon
// the recorder makes: storing events, and recording deliveries (a transaction of its own, which
// holds back the events of every later transaction until it ends).
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { silentLogger } from '../../../../test/support/silent-logger';
import { waitFor } from '../../../../test/support/wait-for';
import { FeedListener } from './feed-listener';

let db: TestDatabase;
let writer: Client;
let listener: FeedListener;
let wakes = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  writer = new Client({ connectionString: db.url });
  await writer.connect();
  listener = new FeedListener(db.url, () => wakes++, silentLogger());
  await listener.start();
});

afterAll(async () => {
  await listener?.close();
  await writer?.end();
  await db?.drop();
});

async function woken(after: number, what: string): Promise<void> {
  await waitFor(() => wakes > after, { what, timeoutMs: 10_000 });
}

describe('the feed listener', () => {
  it('is woken when a transaction that stores events commits', async () => {
    const before = wakes;
    await writer.query(
      `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
       VALUES ('listener-1', 0, now(), 'c1', 'unrecognized', '{}')`,
    );
    await woken(before, 'a wake for the stored event');
  });

  it('is woken when a transaction that only records deliveries commits', async () => {
    const before = wakes;
    await writer.query(
      `INSERT INTO deliveries (receipt_id, event_key, receipt_stamp, received_at, rule)
       VALUES ('listener-receipt', 'listener-1', 1, now(), 'content')`,
    );
    await woken(before, 'a wake for the recorded delivery');
  });
});
