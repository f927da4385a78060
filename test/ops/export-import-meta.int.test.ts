// `mirror export --with-meta` then `mirror import` into an empty store carries the ingest's
// decision: live traffic through a running ingest (redeliveries, genuine repeats after the
// content window, a body whose occurrence-key field is empty, a reward fulfilled through the
// API), exported with meta, imported into a fresh database by another worker, gives the same
// events, the same deliveries and the same read models.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import type { Redis } from '@mirror/queue';
import type { MirrorStats } from '../../apps/cli/src/commands/stats';
import { generateTraffic } from '../../apps/cli/src/simulator/traffic-model';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { dumpReadModels } from '../support/read-model-dump';
import { freePorts, runMirror, startApp, waitForHttp, type AppProcess } from './support/processes';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const API_TOKEN = `ops-meta-${randomBytes(12).toString('hex')}`;
/** Short, so that the test can send a genuine repeat after it. */
const WINDOW_SECONDS = 2;
/** Six apps start on a machine shared with other test runs. */
const STARTUP_MS = 180_000;

/** A mirror: its database, queue prefix, worker, API and (for the source) ingest. */
interface Mirror {
  db: TestDatabase;
  env: Record<string, string>;
  apps: AppProcess[];
  apiUrl: string;
  ingestUrl: string;
}

async function startMirror(withIngest: boolean): Promise<Mirror> {
  const db = await createTestDatabase();
  const [ingestPort, apiPort, metricsPort] = await freePorts(3);
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: `ops-meta-${randomBytes(4).toString('hex')}`,
    INGEST_PORT: String(ingestPort),
    API_PORT: String(apiPort),
    WORKER_METRICS_PORT: String(metricsPort),
    API_TOKEN,
    WEBHOOK_DEDUPE_WINDOW_SECONDS: String(WINDOW_SECONDS),
  };
  const apps = [startApp('worker', env), startApp('api', env)];
  const [worker, api] = apps as [AppProcess, AppProcess];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const ingestUrl = `http://127.0.0.1:${ingestPort}`;
  const ready = [
    waitForHttp(`http://127.0.0.1:${metricsPort}/healthz`, worker, STARTUP_MS),
    waitForHttp(`${apiUrl}/readyz`, api, STARTUP_MS),
  ];
  if (withIngest) {
    const ingest = startApp('ingest', env);
    apps.push(ingest);
    ready.push(waitForHttp(`${ingestUrl}/readyz`, ingest, STARTUP_MS));
  }
  await Promise.all(ready);
  return { db, env, apps, apiUrl, ingestUrl };
}

const headers = { authorization: `Bearer ${API_TOKEN}` };

/** Every event of `/v1/events`, without what depends on the store's insertion (position, seq). */
async function eventsOf(mirror: Mirror): Promise<unknown[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '200', includeBody: 'true' });
    if (cursor !== undefined) query.set('cursor', cursor);
    const response = await fetch(`${mirror.apiUrl}/v1/events?${query.toString()}`, { headers });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Record<string, unknown>[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items
    .map(({ position: _position, seq: _seq, storedAt: _storedAt, ...rest }) => rest)
    .sort((a, b) => String(a['idempotencyKey']).localeCompare(String(b['idempotencyKey'])));
}

/** Every row of `deliveries`, in receipt-id order. */
async function deliveriesOf(mirror: Mirror): Promise<unknown[]> {
  return mirror.db.prisma.$queryRawUnsafe(
    `SELECT receipt_id, event_key, receipt_stamp::text, received_at::text, rule, note
     FROM deliveries ORDER BY receipt_id COLLATE "C"`,
  );
}

async function post(mirror: Mirror, rawBody: string): Promise<string> {
  const response = await fetch(`${mirror.ingestUrl}/webhooks/rehook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: rawBody,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { status: string }).status;
}

async function waitForDrain(mirror: Mirror, timeoutMs: number): Promise<void> {
  // Stops at the first failed job too, so that a failure shows at once rather than as a timeout.
  const queue = await waitFor(
    async () => {
      const result = await runMirror(['stats', '--json'], mirror.env);
      const { queue } = JSON.parse(result.stdout) as MirrorStats;
      if (queue === null) return false;
      const drained = queue.counts.waiting + queue.counts.active + queue.counts.delayed === 0;
      return (drained || queue.counts.failed > 0) && queue;
    },
    { what: 'the queue to drain', timeoutMs, intervalMs: 500 },
  );
  expect(queue.counts.failed).toBe(0);
}

describe('mirror export --with-meta, then mirror import into an empty store', () => {
  let source: Mirror;
  let target: Mirror;
  let redis: Redis;
  let dir: string;

  beforeAll(
    async () => {
      redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
      dir = mkdtempSync(join(tmpdir(), 'mirror-meta-'));
      source = await startMirror(true);
      target = await startMirror(false);
    },
    2 * STARTUP_MS + 10_000,
  );

  afterAll(async () => {
    for (const mirror of [source, target]) {
      if (mirror === undefined) continue;
      await Promise.all(mirror.apps.map((app) => app.stop()));
      await mirror.db.drop();
      await removeKeysByPrefix(redis, mirror.env['QUEUE_PREFIX']!);
    }
    await redis?.quit();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('gives the same events, deliveries and read models as the store it came from', async () => {
    // Live traffic with redeliveries (some re-serialized), sent one after the other.
    const traffic = [...generateTraffic({ seed: 23, customers: 6, events: 160, redeliveryRate: 0.1 })];
    const answers = { enqueued: 0, duplicate: 0 };
    for (const delivery of traffic)
      answers[(await post(source, delivery.rawBody)) as 'enqueued' | 'duplicate']++;
    expect(answers.duplicate).toBeGreaterThan(0);

    // After the window: identical bodies without an occurrence key are genuine repeats (a second
    // identical order, a segment entered again); one with an occurrence key is a redelivery.
    const order = traffic.find((d) => d.rawBody.includes('"order_success"'))!.rawBody;
    const entered = traffic.find((d) => d.rawBody.includes('"customer.segment.entered"'))!.rawBody;
    const credited = traffic.find((d) => d.rawBody.includes('"wallet.credited"'))!.rawBody;
    // An occurrence-key field present but empty: identified by content, the reason kept.
    const emptyKey = JSON.stringify({
      event_name: 'wallet.credited',
      metadata: { wallet: { transaction_id: '', points: 5, type: 'credit' } },
      source: 'rehook',
      source_id: traffic[0]!.rawBody.match(/"source_id":"([^"]+)"/)![1],
    });
    expect(await post(source, emptyKey)).toBe('enqueued');
    expect(await post(source, emptyKey)).toBe('duplicate');
    // Deliberate: wait out the dedupe window.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_SECONDS * 1000 + 500));
    expect(await post(source, order)).toBe('enqueued');
    expect(await post(source, entered)).toBe('enqueued');
    expect(await post(source, credited)).toBe('duplicate');
    await waitForDrain(source, 180_000);

    // A reward fulfilled through the API: an event of the mirror's own origin.
    const pending = await fetch(`${source.apiUrl}/v1/rewards/pending?limit=1`, { headers });
    const [reward] = ((await pending.json()) as { items: { redemptionId: string }[] }).items;
    expect(reward).toBeDefined();
    const fulfilled = await fetch(
      `${source.apiUrl}/v1/rewards/${encodeURIComponent(reward!.redemptionId)}/fulfil`,
      { method: 'POST', headers },
    );
    expect(fulfilled.status).toBe(200);

    const file = join(dir, 'meta.ndjson');
    const exported = await runMirror(['export', '--with-meta', '--out', file], source.env);
    expect(exported.code).toBe(0);
    const imported = await runMirror(['import', file, '--wait', '--wait-timeout', '180'], target.env);
    expect(imported.stderr).not.toMatch(/line \d+:/);
    expect(imported.code).toBe(0);

    const sourceEvents = await eventsOf(source);
    expect(sourceEvents.some((e) => (e as { deliveries: number }).deliveries > 1)).toBe(true);
    expect(sourceEvents.some((e) => (e as { origin: string }).origin === 'mirror')).toBe(true);
    expect(sourceEvents.some((e) => (e as { identityNote: string | null }).identityNote !== null)).toBe(true);
    expect(await eventsOf(target)).toEqual(sourceEvents);
    expect(await deliveriesOf(target)).toEqual(await deliveriesOf(source));
    expect(await dumpReadModels(target.db.prisma)).toEqual(await dumpReadModels(source.db.prisma));

    // Imported again: every job is known by its receipt id, nothing changes.
    const again = await runMirror(['import', file, '--wait'], target.env);
    expect(again.code).toBe(0);
    expect(await eventsOf(target)).toEqual(sourceEvents);
    expect(await deliveriesOf(target)).toEqual(await deliveriesOf(source));
  }, 420_000);
});
