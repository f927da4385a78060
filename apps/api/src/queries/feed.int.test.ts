import fc from 'fast-check';
import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { TEST_SERVER_URL } from '../../../../test/support/postgres';
import { waitFor } from '../../../../test/support/wait-for';
import { feedKey } from '../feed/position';
import type { StoredEvent } from '../schemas/events';
import { listEvents, readFeed } from './events';

// Given transactions that store events and commit (or roll back) in any interleaving, a
// follower that keeps reading the feed after the last position it saw gets exactly the
// committed events, each once, in position order.

const WRITERS = 4;
let db: TestDatabase;
let writers: Client[];

beforeAll(async () => {
  db = await createTestDatabase();
  writers = await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      return client;
    }),
  );
});

afterAll(async () => {
  await Promise.all((writers ?? []).map((client) => client.end()));
  await db?.drop();
});

/** One writer's transaction: how many events it stores (one statement each) and how it ends. */
interface PlannedTransaction {
  events: number;
  commits: boolean;
}

const plan = fc.record({
  transactions: fc.array(fc.record({ events: fc.integer({ min: 1, max: 3 }), commits: fc.boolean() }), {
    minLength: WRITERS,
    maxLength: WRITERS,
  }),
  /** Which writer moves next, at each step (a writer that is done skips its turn). */
  turns: fc.array(fc.integer({ min: 0, max: WRITERS - 1 }), { minLength: 4, maxLength: 40 }),
});

let run = 0;

async function insertEvent(client: Client, sourceId: string, key: string): Promise<void> {
  await client.query(
    `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
     VALUES ($1, 0, now(), $2, 'unrecognized', '{}')`,
    [key, sourceId],
  );
}

/** Reads the feed after `after` (only this run's customer) until a page comes back short. */
async function follow(sourceId: string, after: string | undefined): Promise<StoredEvent[]> {
  const seen: StoredEvent[] = [];
  let position = after;
  for (;;) {
    const page = await listEvents(
      db.prisma,
      { sourceId, after: position === undefined ? undefined : feedKey(position), includeBody: false },
      2,
    );
    const kept = page.slice(0, 2);
    seen.push(...kept);
    position = kept[kept.length - 1]?.position ?? position;
    if (page.length <= 2) return seen;
  }
}

/** Waits until every stored event of `sourceId` is below the feed's horizon. */
async function untilAllFinal(sourceId: string): Promise<void> {
  await waitFor(
    async () => {
      const [row] = await db.prisma.$queryRaw<{ pending: bigint }[]>`
        SELECT count(*) AS pending FROM events
        WHERE source_id = ${sourceId} AND tx_id >= (SELECT mirror_feed_horizon())`;
      return row?.pending === 0n;
    },
    { what: `every event of ${sourceId} to be final` },
  );
}

describe('the feed under concurrent transactions', () => {
  it('a follower sees exactly the committed events, once each, in position order', async () => {
    await fc.assert(
      fc.asyncProperty(plan, async ({ transactions, turns }) => {
        const sourceId = `run-${run++}`;
        const stepsDone = transactions.map(() => 0);
        const committed = new Set<string>();
        const seen: StoredEvent[] = [];
        let last: string | undefined;

        /** Each writer: BEGIN, one INSERT per event, then COMMIT or ROLLBACK. */
        async function step(writer: number): Promise<void> {
          const tx = transactions[writer] as PlannedTransaction;
          const client = writers[writer] as Client;
          const done = stepsDone[writer] as number;
          if (done > tx.events + 1) return;
          if (done === 0) await client.query('BEGIN');
          else if (done <= tx.events) await insertEvent(client, sourceId, `${sourceId}-${writer}-${done}`);
          else {
            await client.query(tx.commits ? 'COMMIT' : 'ROLLBACK');
            if (tx.commits) for (let i = 1; i <= tx.events; i++) committed.add(`${sourceId}-${writer}-${i}`);
          }
          stepsDone[writer] = done + 1;
        }

        // The random interleaving, with the follower reading between every two steps; then
        // every writer finishes, in order.
        for (const writer of turns) {
          await step(writer);
          const page = await follow(sourceId, last);
          seen.push(...page);
          last = page[page.length - 1]?.position ?? last;
        }
        for (let writer = 0; writer < WRITERS; writer++) {
          while ((stepsDone[writer] as number) <= (transactions[writer] as PlannedTransaction).events + 1) {
            await step(writer);
          }
        }
        // Final once every transaction of the database that started before has ended: wait for
        // that, then read the rest.
        await untilAllFinal(sourceId);
        seen.push(...(await follow(sourceId, last)));

        const keys = seen.map((event) => event.idempotencyKey);
        expect(new Set(keys).size).toBe(keys.length);
        expect(new Set(keys)).toEqual(committed);
        const positions = seen.map((event) => event.position);
        expect(positions).toEqual([...positions].sort());
      }),
      { numRuns: 40 },
    );
  });

  it('a follower that reads up to a transaction still in flight sees none of its events, and all later', async () => {
    const sourceId = 'held-back';
    const [early, late] = writers as [Client, Client];
    await early.query('BEGIN');
    await insertEvent(early, sourceId, 'held-back-early');
    await late.query('BEGIN');
    await insertEvent(late, sourceId, 'held-back-late');
    await late.query('COMMIT');
    // The later transaction has committed, but the earlier one could still commit below it.
    expect(await follow(sourceId, undefined)).toEqual([]);
    const held = await readFeed(db.prisma, { sourceId, includeBody: false }, 10);
    expect(held).toEqual(expect.objectContaining({ events: [], waiting: true }));
    // Final up to just below the earlier transaction, not up to the later one's events.
    const [late1] = await db.prisma.$queryRaw<{ position: string }[]>`
      SELECT lpad(to_hex(tx_id), 16, '0') || lpad(to_hex(seq), 16, '0') AS position
      FROM events WHERE idempotency_key = 'held-back-late'`;
    expect(held.finalUpTo < (late1?.position ?? '')).toBe(true);
    await early.query('COMMIT');
    await untilAllFinal(sourceId);
    const seen = await follow(sourceId, undefined);
    expect(seen.map((event) => event.idempotencyKey)).toEqual(['held-back-early', 'held-back-late']);
    const after = await readFeed(db.prisma, { sourceId, includeBody: false }, 10);
    expect(after).toEqual(expect.objectContaining({ events: seen, waiting: false }));
    expect(after.finalUpTo >= (seen[1]?.position ?? 'z')).toBe(true);
  });

  it('a transaction in another database of the server does not hold the feed back', async () => {
    const elsewhere = new Client({ connectionString: TEST_SERVER_URL });
    await elsewhere.connect();
    try {
      await elsewhere.query('BEGIN');
      await elsewhere.query('SELECT pg_current_xact_id()');
      const [writer] = writers as [Client];
      await insertEvent(writer, 'not-held-back', 'not-held-back-1');
      expect((await follow('not-held-back', undefined)).map((event) => event.idempotencyKey)).toEqual([
        'not-held-back-1',
      ]);
      // Nor does it keep the stream hub re-reading, as pg_snapshot_xmin would.
      const read = await readFeed(db.prisma, { sourceId: 'not-held-back', includeBody: false }, 10);
      expect(read.waiting).toBe(false);
    } finally {
      await elsewhere.query('ROLLBACK');
      await elsewhere.end();
    }
  });
});
