// `mirror import`, `mirror export` and `mirror stats`, run as an operator runs them, against a
// real worker, Postgres and Redis: a capture goes in, the same bodies come out, and the stats
// match what was sent.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalEventName } from '@mirror/catalog';
import { createRedisConnection, idempotencyKeyFromBody, removeKeysByPrefix } from '@mirror/queue';
import { expectedSummary } from '../../apps/cli/src/simulator/expected';
import { generateTraffic } from '../../apps/cli/src/simulator/traffic-model';
import type { MirrorStats } from '../../apps/cli/src/commands/stats';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, runMirror, startApp, type AppProcess } from './support/processes';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('mirror import, export and stats', () => {
  let db: TestDatabase;
  let worker: AppProcess;
  let env: Record<string, string>;
  let dir: string;
  const prefix = `ops-io-${randomBytes(4).toString('hex')}`;
  // A realistic capture from the simulator: every event type, and redeliveries (some
  // re-serialized with other key order), which must count once.
  const deliveries = [...generateTraffic({ seed: 11, customers: 12, events: 400, redeliveryRate: 0.08 })];
  const expected = expectedSummary(deliveries);

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'mirror-ops-'));
    env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_METRICS_PORT: String(await freePort()),
    };
    worker = startApp('worker', env);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await db?.drop();
    // A consumer connection queues commands until it is connected.
    const redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports a capture, and exports the same bodies in the same order, each once', async () => {
    const capture = join(dir, 'capture.ndjson');
    writeFileSync(capture, deliveries.map((d) => `${d.rawBody}\n`).join(''));

    const imported = await runMirror(['import', capture, '--wait', '--wait-timeout', '180'], env);
    expect(imported.stderr).not.toMatch(/line \d+:/);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(`read ${deliveries.length} lines`);

    const out = join(dir, 'export.ndjson');
    const exported = await runMirror(['export', '--out', out], env);
    expect(exported.code).toBe(0);
    const firstOfEachEvent = new Map<string, string>();
    for (const d of deliveries) if (!firstOfEachEvent.has(d.key)) firstOfEachEvent.set(d.key, d.rawBody);
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toEqual([...firstOfEachEvent.values()]);
  }, 240_000);

  it('reports events by name and status, an empty queue and read-model counts that match what was sent', async () => {
    const result = await runMirror(['stats', '--json'], env);
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as MirrorStats;

    const sentByCanonicalName: Record<string, number> = {};
    for (const [name, n] of Object.entries(expected.eventsByName)) {
      const canonical = canonicalEventName(name) ?? name;
      sentByCanonicalName[canonical] = (sentByCanonicalName[canonical] ?? 0) + n;
    }
    const storedByName: Record<string, number> = {};
    for (const row of stats.events.byNameAndStatus) {
      expect(row.status).toBe('projected');
      storedByName[row.name ?? ''] = (storedByName[row.name ?? ''] ?? 0) + row.count;
    }
    expect(storedByName).toEqual(sentByCanonicalName);
    expect(stats.events.total).toBe(expected.distinctEvents);
    expect(stats.queue?.counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    expect(stats.readModels).toMatchObject({
      customers: expected.totals.customers,
      coupons: expected.totals.coupons,
      referrals: expected.totals.referrals,
    });
  }, 60_000);

  it('counts a second import of the export as duplicates and stores nothing new', async () => {
    const out = join(dir, 'export.ndjson');
    const again = await runMirror(['import', out, '--wait'], env);
    expect(again.code).toBe(0);
    // Jobs still in Redis are refused there as duplicates; the others are processed again and
    // the event store's idempotent append drops them.
    const [, accepted, queued] = /(\d+) accepted, (\d+) already queued/.exec(again.stdout) ?? [];
    expect(Number(accepted) + Number(queued)).toBe(expected.distinctEvents);
    const stats = JSON.parse((await runMirror(['stats', '--json'], env)).stdout) as MirrorStats;
    expect(stats.events.total).toBe(expected.distinctEvents);
  }, 120_000);

  it('reports every bad line with its number, imports the good ones, and exits 1', async () => {
    const good = {
      event_name: 'customer.created',
      metadata: { CustomerID: 'cust_ImportBadLines0000001' },
      source: 'rehook',
      source_id: 'bad-lines@shop',
    };
    const file = join(dir, 'bad.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify(good),
        '{"event_name": "order_success",',
        '',
        '[1,2]',
        '"text"',
        JSON.stringify({ padding: 'x'.repeat(300) }),
      ].join('\n'),
    );

    const result = await runMirror(['import', file, '--wait'], { ...env, WEBHOOK_MAX_BODY_BYTES: '200' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2: not JSON/);
    expect(result.stderr).toMatch(/line 4: the body is an array/);
    expect(result.stderr).toMatch(/line 5: the body is a string/);
    expect(result.stderr).toMatch(/line 6: body over the 200-byte limit/);
    expect(result.stderr).toContain('4 of 6 lines were not imported');
    expect(result.stdout).toContain('1 accepted, 0 already queued, 1 blank, 4 rejected, 0 failed');
    const stored = await db.prisma.event.count({ where: { rawBody: JSON.stringify(good) } });
    expect(stored).toBe(1);
  }, 60_000);

  it('fails clearly when the file does not exist', async () => {
    const result = await runMirror(['import', join(dir, 'missing.ndjson')], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^mirror: .*ENOENT.*missing\.ndjson/m);
  }, 30_000);

  it('exports webhook bodies for import, and the whole store with --with-meta', async () => {
    const pretty = {
      event_name: 'customer.created',
      metadata: { CustomerID: 'cust_PrettyPrinted000000001' },
      source: 'rehook',
      source_id: 'pretty@shop',
    };
    const fulfilment = {
      event_name: 'mirror.reward.fulfilled',
      metadata: { redemption_id: 'redm_x' },
      source: 'mirror',
      source_id: 'pretty@shop',
    };
    const row = (body: object, rawBody: string, origin: 'webhook' | 'mirror', stamp: bigint) => ({
      idempotencyKey: idempotencyKeyFromBody(body),
      receiptStamp: stamp,
      receivedAt: new Date(),
      name: body === pretty ? 'customer.created' : 'mirror.reward.fulfilled',
      rawName: (body as { event_name: string }).event_name,
      sourceId: 'pretty@shop',
      status: 'projected' as const,
      rawBody,
      origin,
    });
    // Stamps after everything imported so far: these two come last in receipt order.
    const late = BigInt(Date.now() + 60_000) * 1000n;
    await db.prisma.event.createMany({
      data: [
        row(pretty, JSON.stringify(pretty, null, 2), 'webhook', late),
        row(fulfilment, JSON.stringify(fulfilment), 'mirror', late + 1n),
      ],
    });

    const raw = await runMirror(['export'], env);
    expect(raw.code).toBe(0);
    const rawLines = raw.stdout.split('\n').filter(Boolean);
    // A pretty-printed delivery comes out on one line, with the same idempotency key.
    expect(rawLines.at(-1)).toBe(JSON.stringify(pretty));
    expect(rawLines.some((line) => line.includes('mirror.reward.fulfilled'))).toBe(false);
    expect(raw.stderr).toContain('1 multi-line bodies written on one line');

    const meta = await runMirror(['export', '--with-meta'], env);
    const last = meta.stdout
      .split('\n')
      .filter(Boolean)
      .slice(-2)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(last).toEqual([
      expect.objectContaining({
        origin: 'webhook',
        rawBody: JSON.stringify(pretty, null, 2),
        receiptStamp: late.toString(),
        status: 'projected',
      }),
      expect.objectContaining({
        origin: 'mirror',
        name: 'mirror.reward.fulfilled',
        idempotencyKey: idempotencyKeyFromBody(fulfilment),
      }),
    ]);
    const internal = await runMirror(['export', '--include-internal'], env);
    expect(internal.stdout.split('\n').filter(Boolean).at(-1)).toBe(JSON.stringify(fulfilment));
  }, 60_000);

  it('says which store is missing instead of failing line by line', async () => {
    const port = await freePort();
    const noRedis = await runMirror(['import', join(dir, 'export.ndjson')], {
      ...env,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/^mirror: cannot reach Redis at 127\.0\.0\.1:\d+ \(REDIS_URL\)/m);
    const unmigrated = db.url.replace(/\/[^/]+$/, '/postgres');
    const noStore = await runMirror(['stats'], { ...env, DATABASE_URL: unmigrated });
    expect(noStore.code).toBe(1);
    expect(noStore.stderr).toMatch(/has no event store yet: run `pnpm mirror migrate` first/);
  }, 60_000);
});
