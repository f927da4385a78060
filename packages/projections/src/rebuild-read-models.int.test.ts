import fc from 'fast-check';
import { appendEvents } from '@mirror/event-store';
import { deliveryOf, fixtureBody, fixtureFiles, stampAt } from '../../../test/support/deliveries';
import { generatedDeliveries } from '../../../test/support/event-arbitrary';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { recordConcurrently, recordSequentially } from '../../../test/support/record-all';
import type { GeneratedDelivery } from '../../../test/support/event-arbitrary';
import { dumpReadModels, type ReadModelDump } from '../../../test/support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { TABLE_ORDER, TABLES } from './changes';
import { rebuildReadModels } from './rebuild-read-models';
import { RebuildAlreadyRunningError, rebuildState } from './rebuild/rebuild-runs';
import { recordEvents } from './record-events';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();

/** The same deliveries under new idempotency keys: other events than the ones already stored. */
function renumbered(deliveries: readonly GeneratedDelivery[], suffix: string): GeneratedDelivery[] {
  return deliveries.map(({ delivery, origin }) => ({
    origin,
    delivery: { ...delivery, idempotencyKey: `${delivery.idempotencyKey}-${suffix}` },
  }));
}

const distinctKeys = (deliveries: readonly GeneratedDelivery[]) =>
  new Set(deliveries.map((d) => d.delivery.idempotencyKey)).size;

async function storedKeys(like: string): Promise<number> {
  const [row] = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
    `SELECT count(*) AS n FROM events WHERE idempotency_key ${like}`,
  );
  return Number(row?.n ?? 0);
}

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
    const delivery = deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    );
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
    expect(await rebuildState(db.prisma)).toMatchObject({
      running: false,
      latest: { status: 'failed', error: 'disk on fire' },
    });
    // What it had built is gone, and the next run starts cleanly.
    expect(
      await db.prisma.$queryRawUnsafe(`SELECT 1 FROM pg_namespace WHERE nspname = 'mirror_rebuild'`),
    ).toEqual([]);
    await rebuildReadModels(db.prisma);
    expect(await dumpReadModels(db.prisma)).toEqual(before);
  });

  it('lets live appends go on while it loads, and takes over with them in the new read models', async () => {
    const [stored, arriving] = fc.sample(generatedDeliveries(40), { numRuns: 2, seed: 3 });
    const late = renumbered(arriving ?? [], 'late');
    await recordSequentially(db.prisma, stored ?? []);
    let liveWithLate: ReadModelDump | undefined;

    const report = await rebuildReadModels(db.prisma, {
      batchSize: 5,
      onPhase: async (phase) => {
        // Awaited by the rebuild: had the appends to wait for it, this would never return.
        if (phase !== 'loading') return;
        await recordConcurrently([db.prisma], late, 3);
        liveWithLate = await dumpReadModels(db.prisma);
      },
    });

    expect(report.events).toBe(distinctKeys([...(stored ?? []), ...late]));
    expect(report.caughtUp).toBe(distinctKeys(late));
    expect(await dumpReadModels(db.prisma)).toEqual(liveWithLate);
  });

  it('gives the same read models as a rebuild from the store when appends race its catch-up and switch', async () => {
    const [stored, during] = fc.sample(generatedDeliveries(60), { numRuns: 2, seed: 11 });
    await recordSequentially(db.prisma, stored ?? []);
    let racing: Promise<void> | undefined;

    await rebuildReadModels(db.prisma, {
      batchSize: 3,
      switchLockTimeoutMs: 50,
      onPhase: (phase) => {
        if (phase === 'catching-up')
          racing = recordConcurrently([db.prisma], renumbered(during ?? [], 'racing'), 4);
      },
    });
    await racing;
    const afterBoth = await dumpReadModels(db.prisma);

    await rebuildReadModels(db.prisma);
    expect(await dumpReadModels(db.prisma)).toEqual(afterBoth);
    expect(await storedKeys("LIKE '%-racing'")).toBe(distinctKeys(renumbered(during ?? [], 'racing')));
  });

  it('refuses to start while another rebuild runs, and says so', async () => {
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);
    let second: Promise<unknown> | undefined;
    await rebuildReadModels(db.prisma, {
      onPhase: async (phase) => {
        if (phase !== 'loading') return;
        second = rebuildReadModels(db.prisma).catch((error: unknown) => error);
        expect(await second).toBeInstanceOf(RebuildAlreadyRunningError);
        expect(await rebuildState(db.prisma)).toMatchObject({
          running: true,
          latest: { status: 'running', phase: 'loading' },
        });
      },
    });
    expect(second).toBeDefined();
    expect(await rebuildState(db.prisma)).toMatchObject({
      running: false,
      latest: { status: 'succeeded', phase: 'done', events: 1, error: null },
    });
  });

  it("hands over tables that carry the live ones' indexes and constraints, under the same names", async () => {
    const catalog = () =>
      db.prisma.$queryRawUnsafe<unknown[]>(
        `SELECT c.relname AS "table", i.relname AS index, pg_get_indexdef(i.oid) AS def
         FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relname = ANY($1::text[])
         UNION ALL
         SELECT t.relname, con.conname, pg_get_constraintdef(con.oid)
         FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname = ANY($1::text[])
         ORDER BY 1, 2, 3`,
        TABLE_ORDER.map((name) => TABLES[name].table),
      );
    const before = await catalog();
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);

    await rebuildReadModels(db.prisma);

    expect(await catalog()).toEqual(before);
    expect(
      await db.prisma.$queryRawUnsafe(
        `SELECT nspname FROM pg_namespace WHERE nspname IN ('mirror_rebuild', 'mirror_retired')`,
      ),
    ).toEqual([]);
  });

  it('is idempotent: rebuilding twice changes nothing', async () => {
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);
    await rebuildReadModels(db.prisma);
    const once = await dumpReadModels(db.prisma);
    await rebuildReadModels(db.prisma);
    expect(await dumpReadModels(db.prisma)).toEqual(once);
  });
});
