import { deliveryOf } from '../../../test/support/deliveries';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { dumpReadModels } from '../../../test/support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { recordEvents } from './record-events';

// Fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();

const HUGE = 9.9e15;

/** 20 ordinary orders for each of 30 customers and 12 huge ones for a whale, interleaved. */
function ordersOfTheIssue() {
  const bodies = [];
  for (let i = 0; i < 600; i += 1) {
    bodies.push(
      b.orderSuccess({ sourceId: `customer-${i % 30}`, total: 10 + (i % 7), orderNo: `order-${i}` }),
    );
    if (i % 50 === 25) bodies.push(b.orderSuccess({ sourceId: 'whale', total: HUGE, orderNo: `huge-${i}` }));
  }
  return bodies.map((body, n) => deliveryOf(body, n));
}

async function customers(): Promise<{ source_id: string; orders_count: number; orders_total: string }[]> {
  return db.prisma.$queryRawUnsafe(
    'SELECT source_id, orders_count, orders_total::text FROM customers ORDER BY source_id',
  );
}

/** Each ordinary customer's orders, as the bodies say. */
function expectedOrdinary(): { source_id: string; orders_count: number; orders_total: string }[] {
  const totals = new Map<string, number>();
  for (let i = 0; i < 600; i += 1) {
    const id = `customer-${i % 30}`;
    totals.set(id, (totals.get(id) ?? 0) + 10 + (i % 7));
  }
  return [...totals]
    .sort(([a], [c]) => (a < c ? -1 : 1))
    .map(([id, total]) => ({ source_id: id, orders_count: 20, orders_total: `${total}.0000` }));
}

describe('recordEvents: a poison event', () => {
  it('sums the issue’s 12 orders of 9.9e15 exactly (the columns hold them)', async () => {
    const deliveries = ordersOfTheIssue();

    for (let i = 0; i < deliveries.length; i += 64)
      await recordEvents(db.prisma, deliveries.slice(i, i + 64));

    const rows = await customers();
    expect(rows.find((row) => row.source_id === 'whale')).toEqual({
      source_id: 'whale',
      orders_count: 12,
      orders_total: '118800000000000000.0000',
    });
    expect(rows.filter((row) => row.source_id !== 'whale')).toEqual(expectedOrdinary());
  });

  it('is appended alone as invalid with the database’s reason; the events of its batch are projected', async () => {
    // A data error the schema can still raise: a check constraint (SQLSTATE 23514) standing in
    // for a column too narrow for a sum, as orders_total was.
    await db.prisma.$executeRawUnsafe(
      'ALTER TABLE customers ADD CONSTRAINT narrow_total CHECK (orders_total < 1e16)',
    );
    const deliveries = ordersOfTheIssue();

    const results = [];
    for (let i = 0; i < deliveries.length; i += 64) {
      results.push(...(await recordEvents(db.prisma, deliveries.slice(i, i + 64))));
    }

    expect(results.every((result) => result.outcome === 'stored')).toBe(true);
    const invalid = results.filter((result) => result.status === 'invalid');
    // The first huge order fits under the constraint; each later one would cross it.
    expect(invalid).toHaveLength(11);
    for (const result of invalid)
      expect(result.reason).toMatch(/on its data: .*narrow_total.*\(SQLSTATE 23514\)/);
    expect(
      await db.prisma.$queryRawUnsafe(
        'SELECT status::text, count(*)::int AS n, count(reason)::int AS with_reason FROM events GROUP BY status ORDER BY status::text',
      ),
    ).toEqual([
      { status: 'invalid', n: 11, with_reason: 11 },
      { status: 'projected', n: 601, with_reason: 0 },
    ]);
    const rows = await customers();
    expect(rows.find((row) => row.source_id === 'whale')).toMatchObject({ orders_count: 1 });
    expect(rows.filter((row) => row.source_id !== 'whale')).toEqual(expectedOrdinary());
  });

  it('is a duplicate when redelivered, and changes nothing', async () => {
    await db.prisma.$executeRawUnsafe(
      'ALTER TABLE customers ADD CONSTRAINT narrow_total CHECK (orders_total < 1e16)',
    );
    const [first, second] = [
      b.orderSuccess({ sourceId: 'whale', total: HUGE, orderNo: 'a' }),
      b.orderSuccess({ sourceId: 'whale', total: HUGE, orderNo: 'b' }),
    ].map((body, n) => deliveryOf(body, n));
    await recordEvents(db.prisma, [first!, second!]);
    const before = await dumpReadModels(db.prisma);

    const again = await recordEvents(db.prisma, [
      second!,
      deliveryOf(b.orderSuccess({ sourceId: 'other', total: 5, orderNo: 'c' }), 3),
    ]);

    expect(again.map((result) => result.outcome)).toEqual(['duplicate', 'stored']);
    const after = await dumpReadModels(db.prisma);
    expect(after['customers']).toHaveLength(2);
    expect({ ...after, customers: before['customers'] }).toEqual(before);
  });
});
