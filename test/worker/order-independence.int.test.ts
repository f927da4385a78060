import fc from 'fast-check';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';
import { createTestDatabase } from '../support/database';
import { generatedDeliveries, shuffled } from './event-arbitrary';
import { recordConcurrently, recordSequentially } from './record-all';
import { dumpReadModels } from './read-model-dump';

// Invariant 3: for any set of events, the read models are the same whatever the processing
// order and the number of concurrent workers, and the same as a rebuild from the event store.
describe('order independence', () => {
  it('any permutation recorded by concurrent workers equals sequential processing and a rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedDeliveries(40).chain((deliveries) =>
          fc.tuple(fc.constant(deliveries), shuffled(deliveries)),
        ),
        async ([inReceiptOrder, inAnyOrder]) => {
          const sequential = await createTestDatabase();
          const concurrent = await createTestDatabase();
          // Three "worker processes", each with its own pool, four jobs in flight each.
          const workers: PrismaClient[] = [1, 2, 3].map(() =>
            createPrisma(concurrent.url, { max: 3, role: 'worker' }),
          );
          try {
            await recordSequentially(sequential.prisma, inReceiptOrder);
            await recordConcurrently(workers, inAnyOrder, 4);
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
  }, 180_000);
});
