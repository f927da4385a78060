import fc from 'fast-check';
import { appendEvents } from '@mirror/event-store';
import { deliveryOf, fixtureBody, fixtureFiles, stampAt } from '../../../test/worker/deliveries';
import { generatedDeliveries } from '../../../test/worker/event-arbitrary';
import { freshDatabasePerTest } from '../../../test/worker/fresh-database';
import { recordConcurrently, recordSequentially } from '../../../test/worker/record-all';
import { dumpReadModels } from '../../../test/worker/read-model-dump';
import { rehookBodies as b } from '../../../test/worker/rehook-bodies';
import { rebuildReadModels } from './rebuild-read-models';
import { recordEvents } from './record-events';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();

describe('rebuildReadModels', () => {
  it('gives the same read models as live processing, from all fixtures and generated events', async () => {
    const generated = fc.sample(generatedDeliveries(40), { numRuns: 5, seed: 42 }).flat();
    const fixtures = fixtureFiles().map(([group, file], i) => ({
      delivery: deliveryOf(fixtureBody(group, file), 1000 + i),
      origin: 'webhook' as const,
    }));
    await recordSequentially(db.prisma, [...fixtures, ...generated]);
    const live = await dumpReadModels(db.prisma);

    const report = await rebuildReadModels(db.prisma, { batchSize: 7 });

    expect(await dumpReadModels(db.prisma)).toEqual(live);
    const [{ count } = { count: 0n }] = await db.prisma.$queryRawUnsafe<{ count: bigint }[]>(
      'SELECT count(*) FROM events',
    );
    expect(report).toMatchObject({ events: Number(count), reclassified: 0 });
  });

  it('projects an event that was stored as unrecognized once the catalog knows it, and marks it projected', async () => {
    // As if stored by an older catalog that did not know wallet.credited.
    const delivery = deliveryOf(b.walletCredited('KMN@123', 'trhi_1', 10), 1);
    await appendEvents(db.prisma, [
      {
        idempotencyKey: delivery.idempotencyKey,
        receiptStamp: stampAt(1),
        receivedAt: new Date(delivery.receivedAt),
        name: null,
        rawName: 'wallet.credited',
        sourceId: 'KMN@123',
        status: 'unrecognized',
        reason: 'unknown event name "wallet.credited"',
        rawBody: delivery.rawBody,
        origin: 'webhook',
      },
    ]);

    const report = await rebuildReadModels(db.prisma);

    expect(report).toMatchObject({ events: 1, projected: 1, reclassified: 1 });
    expect(await db.prisma.$queryRawUnsafe('SELECT status::text, name, reason FROM events')).toEqual([
      { status: 'projected', name: 'wallet.credited', reason: null },
    ]);
    expect(
      await db.prisma.$queryRawUnsafe('SELECT transaction_id, points::text FROM wallet_transactions'),
    ).toEqual([{ transaction_id: 'trhi_1', points: '10.0000' }]);
  });

  it('leaves the previous read models in place when it fails part-way', async () => {
    const deliveries = fc.sample(generatedDeliveries(40), { numRuns: 3, seed: 7 }).flat();
    await recordSequentially(db.prisma, deliveries);
    const before = await dumpReadModels(db.prisma);

    const failing = rebuildReadModels(db.prisma, {
      batchSize: 10,
      onProgress: ({ done }) => {
        if (done >= 10) throw new Error('disk on fire');
      },
    });

    await expect(failing).rejects.toThrow('disk on fire');
    expect(await dumpReadModels(db.prisma)).toEqual(before);
  });

  it('makes live appends wait while it runs; they are projected once it commits, as if sequential', async () => {
    const [stored, arriving] = fc.sample(generatedDeliveries(40), { numRuns: 2, seed: 3 });
    const renumbered = (arriving ?? []).map(({ delivery, origin }) => ({
      origin,
      delivery: { ...delivery, idempotencyKey: `${delivery.idempotencyKey}-late` },
    }));
    await recordSequentially(db.prisma, stored ?? []);

    let rebuilding!: () => void;
    const started = new Promise<void>((resolve) => (rebuilding = resolve));
    const rebuild = rebuildReadModels(db.prisma, {
      batchSize: 5,
      onProgress: () => rebuilding(),
    });
    await started;
    const live = recordConcurrently([db.prisma], renumbered, 3);
    const [report] = await Promise.all([rebuild, live]);

    // The rebuild saw none of the late events: they waited for its lock, then appended.
    expect(report.events).toBe(new Set((stored ?? []).map((d) => d.delivery.idempotencyKey)).size);
    const afterBoth = await dumpReadModels(db.prisma);

    await rebuildReadModels(db.prisma);
    expect(await dumpReadModels(db.prisma)).toEqual(afterBoth);
    const [{ count } = { count: 0n }] = await db.prisma.$queryRawUnsafe<{ count: bigint }[]>(
      "SELECT count(*) FROM events WHERE idempotency_key LIKE '%-late'",
    );
    expect(Number(count)).toBe(new Set(renumbered.map((d) => d.delivery.idempotencyKey)).size);
  });

  it('is idempotent: rebuilding twice changes nothing', async () => {
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);
    await rebuildReadModels(db.prisma);
    const once = await dumpReadModels(db.prisma);
    await rebuildReadModels(db.prisma);
    expect(await dumpReadModels(db.prisma)).toEqual(once);
  });
});
