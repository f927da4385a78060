import { createPrisma, sqlErrorKind, sqlStateOf, type PrismaClient } from '@mirror/db';
import { deliveryOf } from '../../../test/support/deliveries';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import * as b from '@mirror/rehook-bodies';
import { LOCK_EXCLUSIVE_SQL } from './projection-lock';
import { recordEvents } from './record-events';
import { holdInTransaction } from '../../../test/support/hold-in-transaction';

// Fresh databases take seconds on a loaded machine, and these tests hold locks for seconds.
jest.setTimeout(60_000);

const db = freshDatabasePerTest();
let client: PrismaClient | undefined;

afterEach(async () => {
  await client?.$disconnect();
  client = undefined;
});

describe('recordEvents: timeouts', () => {
  it('has no hidden 5 s limit: a transactional batch that waits 8 s for rows another transaction writes commits', async () => {
    client = createPrisma(db.url, { max: 3, role: 'worker' });
    const old = deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 10, orderNo: 'a' }), 1);
    await recordEvents(client, [old]);
    // A redelivery next to a new event takes the transactional path (see recordMany).
    const lock = await holdInTransaction(
      db.prisma,
      "SELECT 1 FROM customers WHERE source_id = 'KMN@123' FOR UPDATE",
    );
    // Deliberate: the lock is held 8 s, past the 5 s limit this test proves is gone.
    const releasing = new Promise((resolve) => setTimeout(resolve, 8_000)).then(() => lock.release());

    const started = performance.now();
    const results = await recordEvents(client, [
      old,
      deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 5, orderNo: 'b' }), 2),
    ]);
    const elapsed = performance.now() - started;
    await releasing;

    expect(results.map((result) => result.outcome)).toEqual(['duplicate', 'stored']);
    expect(elapsed).toBeGreaterThan(7_000);
    expect(
      await db.prisma.$queryRawUnsafe("SELECT orders_count FROM customers WHERE source_id = 'KMN@123'"),
    ).toEqual([{ orders_count: 2 }]);
  });

  it('rejects with a transient error, storing nothing, when a lock is held past its role’s lock_timeout', async () => {
    client = createPrisma(db.url, { max: 2, role: 'api' });
    // What a rebuild holds for its whole length.
    const lock = await holdInTransaction(db.prisma, LOCK_EXCLUSIVE_SQL);
    let error: unknown;
    try {
      await recordEvents(client, [
        deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 10, orderNo: 'a' }), 1),
      ]);
    } catch (caught) {
      error = caught;
    } finally {
      await lock.release();
    }

    expect(sqlStateOf(error)).toBe('55P03');
    expect(sqlErrorKind(error)).toBe('transient');
    expect(await db.prisma.$queryRawUnsafe('SELECT count(*)::int AS n FROM events')).toEqual([{ n: 0 }]);
  });
});
