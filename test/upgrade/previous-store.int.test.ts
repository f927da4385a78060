// Issue 13, item 5: a store written by the version before delivery identity keeps working.
// fixtures/previous-store.json is that version's own store (b8f4adf's migrations, ingest, worker
// and API, fed fixtures/webhooks.jsonl: identical orders, a segment re-entry, bodies differing
// only in an integer above 2^53, a reworded wallet redelivery, an unknown and an invalid event, a
// fulfilled reward), with the read models it projected; generate-previous-store.ts regenerates
// it. Here it is loaded into a database at that version's schema, upgraded with today's
// migrations, then by today's `mirror migrate` (which completes segment_names: verify passes
// without a rebuild), rebuilt with today's `mirror rebuild`, and fed by today's ingest and worker.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { applyMigrations, readMigrations } from '@mirror/db/migrations';
import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import { freePorts, runMirror, startApp, waitForHttp, type AppProcess } from '../ops/support/processes';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../support/wait-for';
import { dumpTables, loadTables, readPreviousStore, type TableRows } from './previous-store';

const store = readPreviousStore();
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Tables today's schema has and the previous one had not, none of them a read model but the last. */
const NEW_BOOKKEEPING_TABLES = [
  'deliveries',
  'rebuild_runs',
  'reconcile_drift',
  'reconcile_runs',
  'verify_runs',
];
/** The read-model table that is new: segment names left `segments` for it (see its migration). */
const SEGMENT_NAMES = 'segment_names';
/** The string values in a JSON value, at any depth. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(stringsOf);
}

/** The columns that left `segments` for segment_names. */
const SEGMENT_NAME_COLUMNS = ['name', 'name_stamp', 'name_key'];
/** Read-model tables whose columns are those of the previous version, compared row for row. */
const UNCHANGED_READ_MODELS = Object.keys(store.tables).filter((table) => table !== 'events');

const rows = (table: string): TableRows => store.tables[table] ?? [];
/** The bodies the previous version was fed, one a line, as sent. */
const webhooks = readFileSync(join(__dirname, 'fixtures', 'webhooks.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean);

/** The previous version's segments, without the name columns today's `segments` has not. */
const previousSegmentKeys = () =>
  rows('segments').map((row) =>
    Object.fromEntries(Object.entries(row).filter(([column]) => !SEGMENT_NAME_COLUMNS.includes(column))),
  );

/**
 * What segment_names must hold after a rebuild: for each (segment, customer), the name, stamp and
 * key of that customer's latest segment event in the store (by receipt stamp, then key).
 */
function expectedSegmentNames(): TableRows {
  const latest = new Map<string, Record<string, unknown>>();
  for (const event of rows('events')) {
    if (event['status'] !== 'projected' || !String(event['name']).startsWith('customer.segment.')) continue;
    const body = JSON.parse(String(event['raw_body'])) as {
      metadata: Record<string, string>;
      source_id: string;
    };
    const row = {
      segment_id: body.metadata['SegmentId'],
      source_id: body.source_id,
      name: body.metadata['SegmentName'],
      stamp: event['receipt_stamp'],
      stamp_key: event['idempotency_key'],
    };
    const id = `${row.segment_id}\u0000${row.source_id}`;
    const before = latest.get(id);
    const later =
      before === undefined ||
      BigInt(String(row.stamp)) > BigInt(String(before['stamp'])) ||
      (row.stamp === before['stamp'] && String(row.stamp_key) > String(before['stamp_key']));
    if (later) latest.set(id, row);
  }
  return [...latest.values()].sort((a, b) =>
    `${String(a['segment_id'])}\u0000${String(a['source_id'])}` <
    `${String(b['segment_id'])}\u0000${String(b['source_id'])}`
      ? -1
      : 1,
  );
}

/** A segment's name as the API reads it today: the latest report in segment_names. */
function latestNames(segmentNames: TableRows): Map<string, Record<string, unknown>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const row of segmentNames) {
    const before = latest.get(String(row['segment_id']));
    if (
      before === undefined ||
      BigInt(String(row['stamp'])) > BigInt(String(before['stamp'])) ||
      (row['stamp'] === before['stamp'] && String(row['stamp_key']) > String(before['stamp_key']))
    )
      latest.set(String(row['segment_id']), row);
  }
  return latest;
}

describe('a store written by the version before delivery identity, upgraded to today', () => {
  let db: TestDatabase;
  let client: Client;
  let applied: string[];
  const apps: AppProcess[] = [];
  const prefix = `upgrade-${randomBytes(4).toString('hex')}`;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase({ migrated: false });
    env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix };
    // The previous schema: exactly the migration files that version applied, checked by checksum.
    const previous = mkdtempSync(join(tmpdir(), 'previous-migrations-'));
    try {
      const today = new Map(readMigrations().map((m) => [m.name, m]));
      for (const { name, checksum } of store.migrations) {
        const file = today.get(name);
        expect({ name, checksum: file?.checksum }).toEqual({ name, checksum });
        mkdirSync(join(previous, name));
        writeFileSync(join(previous, name, 'migration.sql'), file!.sql);
      }
      await applyMigrations(db.url, { migrationsDir: previous });
    } finally {
      rmSync(previous, { recursive: true, force: true });
    }
    client = new Client({ connectionString: db.url });
    await client.connect();
    await loadTables(client, store.tables);
    applied = (await applyMigrations(db.url)).applied;
  });

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await client?.end();
    await db?.drop();
    const redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
    await removeKeysByPrefix(redis, prefix);
    redis.disconnect();
  });

  it('the fixture is what the previous version made of the webhooks: the issue\u2019s four cases included', () => {
    expect(store.answers).toHaveLength(webhooks.length);
    // Lines 6 and 7 (the same order again, once re-serialized), 20 (the segment entered again)
    // and 27 (an order_ref that rounds to the same double) were answered duplicate, never stored.
    const duplicates = store.answers.flatMap((answer, i) => (answer === 'duplicate' ? [i + 1] : []));
    expect(duplicates).toEqual([6, 7, 20, 27]);
    const keys = rows('events').map((event) => String(event['idempotency_key']));
    expect(keys.filter((key) => key.startsWith('sha256:'))).toHaveLength(webhooks.length - duplicates.length);
    expect(keys.filter((key) => key.startsWith('fulfil:'))).toEqual(['fulfil:redm_webhook_reward_1']);
  });

  it('today\u2019s migrations apply on top, and every event keeps its key, body and stamps', async () => {
    expect(applied).toEqual(
      readMigrations()
        .map((m) => m.name)
        .filter((name) => !store.migrations.some((old) => old.name === name)),
    );
    const events = (await dumpTables(client, ['events']))['events']!;
    // tx_id is new: 0 for every event stored before it existed (sorted first in the feed).
    expect(events.map((event) => event['tx_id'])).toEqual(rows('events').map(() => '0'));
    expect(events.map(({ tx_id: _txId, mentions: _m, ...event }) => event)).toEqual(rows('events'));
    // mentions is new: the string values of each body, filled in for the events stored before.
    const mentions = await client.query<{ raw_body: string; mentions: string[] | null }>(
      'SELECT raw_body, mentions FROM events ORDER BY seq',
    );
    expect(mentions.rows.map((e) => [...(e.mentions ?? [])].sort())).toEqual(
      mentions.rows.map((e) => [...new Set(stringsOf(JSON.parse(e.raw_body)))].sort()),
    );
  });

  it('every stored event counts one delivery, the one it was stored from', async () => {
    const { deliveries } = await dumpTables(client, ['deliveries']);
    expect(deliveries).toEqual(
      rows('events')
        .map((event) => ({
          receipt_id: `stored:${String(event['seq'])}`,
          event_key: event['idempotency_key'],
          receipt_stamp: event['receipt_stamp'],
          received_at: event['received_at'],
          rule: 'first',
          note: null,
        }))
        .sort((a, b) => (a.receipt_id < b.receipt_id ? -1 : 1)),
    );
  });

  it('the upgraded read models are the previous version\u2019s, each segment name carried over as a report of its own', async () => {
    const today = await dumpTables(client);
    for (const table of UNCHANGED_READ_MODELS.filter((t) => t !== 'segments')) {
      expect({ table, rows: today[table] }).toEqual({ table, rows: rows(table) });
    }
    expect(today['segments']).toEqual(previousSegmentKeys());
    expect(today[SEGMENT_NAMES]).toEqual(
      rows('segments').map((segment) => ({
        segment_id: segment['segment_id'],
        source_id: '',
        name: segment['name'],
        stamp: segment['name_stamp'],
        stamp_key: segment['name_key'],
      })),
    );
  });

  it('today\u2019s mirror migrate replaces the carried-over names with each customer\u2019s report: verify passes without a rebuild', async () => {
    const migrated = await runMirror(['migrate'], env);
    if (migrated.code !== 0) throw new Error(`mirror migrate exited ${migrated.code}:\n${migrated.stderr}`);
    expect(migrated.stdout).toMatch(
      /segment_names: the \d+ name\(s\) that 20261205095842_segment_names carried over/,
    );
    expect((await dumpTables(client, [SEGMENT_NAMES]))[SEGMENT_NAMES]).toEqual(expectedSegmentNames());
    const verified = await runMirror(['verify', '--all'], env);
    expect({ code: verified.code, stdout: verified.stdout }).toEqual({
      code: 0,
      stdout: expect.stringMatching(/: passed\n/) as unknown,
    });
  });

  it('today\u2019s rebuild gives the read models the previous version projected', async () => {
    const result = await runMirror(['rebuild'], env);
    if (result.code !== 0) throw new Error(`mirror rebuild exited ${result.code}:\n${result.stderr}`);

    const today = await dumpTables(client);
    // Every table is accounted for: the previous version's, the bookkeeping ones, segment_names.
    expect(Object.keys(today).sort()).toEqual(
      [...Object.keys(store.tables), ...NEW_BOOKKEEPING_TABLES, SEGMENT_NAMES].sort(),
    );
    for (const table of UNCHANGED_READ_MODELS.filter((t) => t !== 'segments')) {
      expect({ table, rows: today[table] }).toEqual({ table, rows: rows(table) });
    }
    expect(today['segments']).toEqual(previousSegmentKeys());
    // segment_names is new: one last-writer-wins report per (segment, customer), each the
    // customer's latest segment event; the segment's name (its latest report) is the name the
    // previous version held, from the same event.
    expect(today[SEGMENT_NAMES]).toEqual(expectedSegmentNames());
    const names = latestNames(today[SEGMENT_NAMES]!);
    for (const segment of rows('segments')) {
      const latest = names.get(String(segment['segment_id']));
      expect([latest?.['name'], latest?.['stamp'], latest?.['stamp_key']]).toEqual([
        segment['name'],
        segment['name_stamp'],
        segment['name_key'],
      ]);
    }
    // The rebuild read every event as the previous version did, and changed none of them.
    expect(
      (await dumpTables(client, ['events']))['events']!.map(({ tx_id: _t, mentions: _m, ...event }) => event),
    ).toEqual(rows('events'));
    expect(today['rebuild_runs']).toEqual([expect.objectContaining({ status: 'succeeded', phase: 'done' })]);
  });

  describe('today\u2019s ingest and worker on top of it', () => {
    let webhookUrl: string;
    let workerMetricsUrl: string;

    beforeAll(async () => {
      const [ingestPort, metricsPort] = await freePorts(2);
      // A window that reaches back to the fixture's events, whenever the test runs: a redelivery
      // of them is then one that Rehook sent soon after the previous version stored them.
      const age =
        Date.now() - Math.min(...rows('events').map((event) => Date.parse(String(event['received_at']))));
      const appEnv = {
        ...env,
        INGEST_PORT: String(ingestPort),
        WORKER_METRICS_PORT: String(metricsPort),
        WEBHOOK_DEDUPE_WINDOW_SECONDS: String(Math.ceil(age / 1000) + 3600),
      };
      const ingest = startApp('ingest', appEnv);
      const worker = startApp('worker', appEnv);
      apps.push(ingest, worker);
      await Promise.all([
        waitForHttp(`http://127.0.0.1:${ingestPort}/readyz`, ingest),
        waitForHttp(`http://127.0.0.1:${metricsPort}/healthz`, worker),
      ]);
      webhookUrl = `http://127.0.0.1:${ingestPort}/webhooks/rehook`;
      workerMetricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    });

    async function send(body: string): Promise<string> {
      const response = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { status: string }).status;
    }

    const deliveriesCount = async () =>
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM deliveries')).rows[0]!.n);
    const customer = async (sourceId: string) =>
      (
        await client.query<Record<string, string>>(
          'SELECT event_count, orders_count, orders_total::text FROM customers WHERE source_id = $1',
          [sourceId],
        )
      ).rows[0];
    const balance = async (sourceId: string) =>
      (
        await client.query<{ balance: string }>(
          `SELECT COALESCE(SUM(CASE direction WHEN 'credit' THEN points ELSE -points END), 0)::text AS balance
         FROM wallet_transactions WHERE source_id = $1`,
          [sourceId],
        )
      ).rows[0]!.balance;
    const eventCount = async () =>
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n);
    const latestDeliveries = async (count: number) =>
      (
        await client.query<{ event_key: string; rule: string }>(
          'SELECT event_key, rule FROM deliveries ORDER BY receipt_stamp DESC LIMIT $1',
          [count],
        )
      ).rows;
    const eventsOf = async (key: string) =>
      (
        await client.query<{ idempotency_key: string }>(
          'SELECT idempotency_key FROM events WHERE idempotency_key LIKE $1 ORDER BY seq',
          [key],
        )
      ).rows.map((row) => row.idempotency_key);

    /** Sends `body` and waits until the worker has recorded its delivery. */
    async function deliver(body: string): Promise<string> {
      const before = await deliveriesCount();
      const answer = await send(body);
      await waitFor(async () => (await deliveriesCount()) > before, { what: 'the delivery recorded' });
      return answer;
    }

    it('a new event is stored under its new key and projected', async () => {
      const before = { customer: await customer('KMN@123'), balance: await balance('KMN@123') };
      const body = webhooks[7]!.replaceAll('trhi_JfW8QKvD5SxfOfIqWRSe3', 'trhi_AfterUpgrade000000001');
      expect(await deliver(body)).toBe('enqueued');
      expect(await eventsOf('occurrence:wallet.credited:["trhi_AfterUpgrade000000001"]')).toHaveLength(1);
      expect(Number(await balance('KMN@123'))).toBe(Number(before.balance) + 100);
      expect(await customer('KMN@123')).toEqual({
        ...before.customer,
        event_count: before.customer!['event_count']! + 1,
      });
    });

    it('a redelivery of a pre-upgrade event is recognised as that event, whatever key today gives it', async () => {
      const before = {
        customer: await customer('KMN@123'),
        balance: await balance('KMN@123'),
        events: await eventCount(),
      };
      const previous = rows('events').map((event) => String(event['idempotency_key']));
      // The wallet.credited (today keyed by its transaction id) and the first order (today keyed
      // by content) that the previous version stored, sent again as Rehook retries them.
      for (const body of [webhooks[7]!, webhooks[4]!]) {
        expect(await deliver(body)).toBe('enqueued');
        const [delivery] = await latestDeliveries(1);
        expect(previous).toContain(delivery!.event_key);
        expect(delivery!.rule).toBe('previous-version');
      }
      expect(await eventCount()).toBe(before.events);
      expect(await balance('KMN@123')).toBe(before.balance);
      expect(await customer('KMN@123')).toEqual(before.customer);
      const metrics = await (await fetch(workerMetricsUrl)).text();
      expect(metrics).toContain('mirror_worker_redeliveries_total{rule="previous-version"} 2');
    });
  });
});
