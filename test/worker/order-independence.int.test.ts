import fc from 'fast-check';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';
import { createTestDatabase } from '../support/database';
import { generatedDeliveries, shuffled, type GeneratedDelivery } from '../support/event-arbitrary';
import { recordConcurrently, recordSequentially } from '../support/record-all';
import { dumpReadModels } from '../support/read-model-dump';

// Invariant 3: for any set of events, the read models are the same whatever the processing
// order and the number of concurrent workers, and the same as a rebuild from the event store.
describe('order independence', () => {
  it('is exercised with genuine repeats, later redeliveries, equal receipt stamps and retried jobs', () => {
    const sets = fc.sample(generatedDeliveries(40), { numRuns: 60, seed: 5 });
    const some = (test: (deliveries: GeneratedDelivery[]) => boolean) => sets.filter(test).length;
    // The deliveries stored as events, each job once (a retried job repeats one).
    const events = (ds: GeneratedDelivery[]) => [
      ...new Map(
        ds.filter((d) => d.delivery.redelivery === undefined).map((d) => [d.delivery.receiptId, d]),
      ).values(),
    ];
    // A body stored as two events (a content key at two stamps).
    expect(
      some((ds) => {
        const bodies = events(ds).map((d) => d.delivery.rawBody);
        const keys = new Set(events(ds).map((d) => d.delivery.idempotencyKey));
        return new Set(bodies).size < keys.size;
      }),
    ).toBeGreaterThan(10);
    // A redelivery with a newer stamp than the event it is.
    expect(
      some((ds) =>
        ds.some((r) => {
          const first = events(ds).find((e) => e.delivery.idempotencyKey === r.delivery.idempotencyKey);
          return (
            r.delivery.redelivery !== undefined &&
            BigInt(r.delivery.receiptStamp) > BigInt(first?.delivery.receiptStamp ?? '0')
          );
        }),
      ),
    ).toBeGreaterThan(10);
    // Distinct events sharing a receipt stamp.
    expect(
      some((ds) => {
        const stamps = events(ds).map((d) => d.delivery.receiptStamp);
        return new Set(stamps).size < stamps.length;
      }),
    ).toBeGreaterThan(10);
    // A job delivered twice (same receipt id).
    expect(some((ds) => new Set(ds.map((d) => d.delivery.receiptId)).size < ds.length)).toBeGreaterThan(10);
  });

  it('any permutation recorded by concurrent workers equals sequential processing and a rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedDeliveries(40).chain((deliveries) =>
          fc.tuple(
            fc.constant(deliveries),
            shuffled(deliveries),
            fc.integer({ min: 1, max: 3 }),
            fc.integer({ min: 1, max: 4 }),
          ),
        ),
        async ([inReceiptOrder, inAnyOrder, processes, inFlight]) => {
          const sequential = await createTestDatabase();
          const concurrent = await createTestDatabase();
          // One to three "worker processes", each with its own pool, one to four jobs in flight each.
          const workers: PrismaClient[] = Array.from({ length: processes }, () =>
            createPrisma(concurrent.url, { max: 3, role: 'worker' }),
          );
          try {
            await recordSequentially(sequential.prisma, inReceiptOrder);
            await recordConcurrently(workers, inAnyOrder, inFlight);
            const expected = await dumpReadModels(sequential.prisma);

            expect(await dumpReadModels(concurrent.prisma)).toEqual(expected);
            await rebuildReadModels(concurrent.prisma, { batchSize: 16 });
            expect(await dumpReadModels(concurrent.prisma)).toEqual(expected);
          } finally {
            await Promise.all(workers.map((prisma) => prisma.$disconnect()));
            await Promise.all([sequential.drop(), concurrent.drop()]);
          }
        },
      ),
      { numRuns: 30 },
    );
    // Two fresh databases per run, on a machine shared with other test runs.
  }, 600_000);
});
