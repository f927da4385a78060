import fc from 'fast-check';
import { generatedDeliveries, shuffled } from '../../../../test/support/event-arbitrary';
import { freshDatabasePerTest } from '../../../../test/support/fresh-database';
import { dumpReadModels } from '../../../../test/support/read-model-dump';
import { applyChanges } from '../apply-changes';
import { ChangeSet } from '../change-set';
import { TABLE_ORDER, TABLES } from '../changes';
import { readDelivery } from '../../../../test/support/project-body';
import type { ReadBody } from '../read-delivery';

jest.setTimeout(120_000);

const db = freshDatabasePerTest();

async function clearReadModels(): Promise<void> {
  for (const table of TABLE_ORDER) await db.prisma.$executeRawUnsafe(`DELETE FROM ${TABLES[table].table}`);
}

describe('the merges derived from one spec per column', () => {
  it('merge alike in SQL (one upsert per event, in any order) and in memory (one fold, then one insert)', async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedDeliveries(30).chain((deliveries) => {
          // Each stored event is projected once: drop the redeliveries, as the event store does.
          const distinct = [...new Map(deliveries.map((d) => [d.delivery.idempotencyKey, d])).values()];
          return shuffled(distinct);
        }),
        async (deliveries) => {
          const reads: ReadBody[] = deliveries.map(({ delivery, origin }) => readDelivery(delivery, origin));
          await clearReadModels();
          // Every row merged by the ON CONFLICT SQL, one event at a time.
          for (const read of reads) {
            const one = new ChangeSet();
            one.addAll(read.changes);
            await applyChanges(db.prisma, one);
          }
          const mergedInSql = await dumpReadModels(db.prisma);

          await clearReadModels();
          // Every row merged in memory; the upsert then only inserts.
          const folded = new ChangeSet();
          for (const read of reads) folded.addAll(read.changes);
          await applyChanges(db.prisma, folded);

          expect(await dumpReadModels(db.prisma)).toEqual(mergedInSql);
        },
      ),
      { numRuns: 25 },
    );
  });
});
