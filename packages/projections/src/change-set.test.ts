import fc from 'fast-check';
import { generatedDeliveries, shuffled } from '../../../test/support/event-arbitrary';
import type { EventOrigin } from '@mirror/event-store';
import { ChangeSet } from './change-set';
import { TABLE_ORDER, TABLES } from './changes';
import { readDelivery } from '../../../test/support/project-body';
import type { TableSpec } from './sql/table';

function folded(deliveries: ReturnType<typeof readAll>): Record<string, unknown[]> {
  const set = new ChangeSet();
  for (const read of deliveries) set.addAll(read.changes);
  return Object.fromEntries(
    TABLE_ORDER.map((table) => {
      const spec = TABLES[table] as TableSpec<unknown>;
      return [table, set.rows(table).sort((a, b) => (spec.key(a) < spec.key(b) ? -1 : 1))];
    }),
  );
}

function readAll(
  deliveries: {
    delivery: { rawBody: string; idempotencyKey: string; receiptStamp: string; receivedAt: number };
    origin: EventOrigin;
  }[],
) {
  return deliveries.map(({ delivery, origin }) => readDelivery(delivery, origin));
}

describe('ChangeSet', () => {
  it('folds the changes of any set of events to the same rows in any order (merges commute)', () => {
    fc.assert(
      fc.property(
        generatedDeliveries(40).chain((deliveries) => {
          // Each stored event is projected once: drop the redeliveries, as the event store does.
          const distinct = [...new Map(deliveries.map((d) => [d.delivery.idempotencyKey, d])).values()];
          return fc.tuple(fc.constant(distinct), shuffled(distinct));
        }),
        ([inReceiptOrder, inAnyOrder]) => {
          expect(folded(readAll(inAnyOrder))).toEqual(folded(readAll(inReceiptOrder)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('folds a batch into the same rows as folding its halves and then the halves (merges associate)', () => {
    fc.assert(
      fc.property(generatedDeliveries(40), fc.nat(), (deliveries, cut) => {
        const distinct = readAll([
          ...new Map(deliveries.map((d) => [d.delivery.idempotencyKey, d])).values(),
        ]);
        const at = cut % (distinct.length + 1);
        const whole = new ChangeSet();
        for (const read of distinct) whole.addAll(read.changes);
        const [left, right] = [new ChangeSet(), new ChangeSet()];
        for (const read of distinct.slice(0, at)) left.addAll(read.changes);
        for (const read of distinct.slice(at)) right.addAll(read.changes);
        const combined = new ChangeSet();
        for (const table of TABLE_ORDER) {
          for (const half of [left, right]) {
            for (const row of half.rows(table))
              combined.add({ table, row } as Parameters<ChangeSet['add']>[0]);
          }
        }
        for (const table of TABLE_ORDER) {
          const spec = TABLES[table] as TableSpec<unknown>;
          const sort = (rows: unknown[]) => rows.sort((a, b) => (spec.key(a) < spec.key(b) ? -1 : 1));
          expect(sort(combined.rows(table))).toEqual(sort(whole.rows(table)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
