import fc from 'fast-check';
import { createTestDatabase } from '../../../test/support/database';
import { deliveryOf } from '../../../test/support/deliveries';
import { generatedDeliveries } from '../../../test/support/event-arbitrary';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { recordSequentially } from '../../../test/support/record-all';
import { dumpReadModels } from '../../../test/support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { EventRecorder } from './event-recorder';
import { InvalidDeliveryError } from './record-events';

jest.setTimeout(60_000);

const db = freshDatabasePerTest();

describe('EventRecorder', () => {
  it('shares transactions between calls made together, with the read models of one call at a time', async () => {
    const [generated = []] = fc.sample(generatedDeliveries(40), { numRuns: 1, seed: 21 });
    const webhooks = generated.filter((d) => d.origin === 'webhook');
    let appends = 0;
    const counting = {
      $queryRawUnsafe: ((sql: string, ...values: unknown[]) => {
        if (sql.includes('INSERT INTO events')) appends += 1;
        return db.prisma.$queryRawUnsafe(sql, ...values);
      }) as typeof db.prisma.$queryRawUnsafe,
      $executeRawUnsafe: db.prisma.$executeRawUnsafe.bind(db.prisma),
      $transaction: db.prisma.$transaction.bind(db.prisma),
    };
    const recorder = new EventRecorder(counting, { lanes: 1 });

    const results = await Promise.all(webhooks.map(({ delivery }) => recorder.record(delivery)));

    // The first call went alone; the others waited for it and shared few statements.
    expect(appends).toBeGreaterThan(0);
    expect(appends).toBeLessThan(webhooks.length / 2);
    const sequential = await createTestDatabase();
    try {
      await recordSequentially(sequential.prisma, webhooks);
      expect(await dumpReadModels(db.prisma)).toEqual(await dumpReadModels(sequential.prisma));
    } finally {
      await sequential.drop();
    }
    const stored = new Set(results.filter((r) => r.outcome === 'stored').map((r) => r.idempotencyKey));
    expect(stored.size).toBe(new Set(webhooks.map((d) => d.delivery.idempotencyKey)).size);
  });

  it('caps a shared transaction by the size of the bodies in it', async () => {
    let appends = 0;
    const counting = {
      $queryRawUnsafe: ((sql: string, ...values: unknown[]) => {
        if (sql.includes('INSERT INTO events')) appends += 1;
        return db.prisma.$queryRawUnsafe(sql, ...values);
      }) as typeof db.prisma.$queryRawUnsafe,
      $executeRawUnsafe: db.prisma.$executeRawUnsafe.bind(db.prisma),
      $transaction: db.prisma.$transaction.bind(db.prisma),
    };
    const recorder = new EventRecorder(counting, { lanes: 1, maxBatchChars: 1 });
    const deliveries = [1, 2, 3, 4].map((n) =>
      deliveryOf(
        b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: `trhi_${n}`, points: n }),
        n,
      ),
    );

    await Promise.all(deliveries.map((delivery) => recorder.record(delivery)));

    // Every body is over the budget, so each went in a statement of its own.
    expect(appends).toBe(4);
  });

  it('rejects a delivery that breaks the job contract alone, and records the others', async () => {
    const recorder = new EventRecorder(db.prisma, { lanes: 1 });
    const good = deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    );
    const bad = {
      ...deliveryOf(
        b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_2', points: 10 }),
        2,
      ),
      receiptStamp: 'soon',
    };

    const [first, second, third] = await Promise.allSettled([
      recorder.record(
        deliveryOf(
          b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_0', points: 1 }),
          0,
        ),
      ),
      recorder.record(bad),
      recorder.record(good),
    ]);

    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason instanceof InvalidDeliveryError).toBe(true);
    expect(third).toMatchObject({ status: 'fulfilled', value: { outcome: 'stored', status: 'projected' } });
  });
});
