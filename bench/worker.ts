// `pnpm bench worker`: live projection by real worker processes (`apps/worker/src/main.ts`).
//
// 1. Throughput, with 1 and with 2 worker processes: N webhook jobs (the realistic mix of
//    bench/support/event-mix.ts) are enqueued as the ingest enqueues them while the workers run;
//    events/s from the first enqueue to the last read-model write (the last event's stored_at,
//    written in the same statement as its projection). CPU per event of the workers, Postgres
//    and Redis shows where the time goes. Medians of `rounds` rounds; fresh database each round.
// 2. End-to-end latency at a steady rate (500 events/s): the real ingest and one worker; each
//    webhook is POSTed, its 200 timed, and a poller (every 5 ms, reading past the feed's final
//    position, so that no commit order hides an event) notes when its event becomes visible in
//    the store, which is when its read models are (same transaction). p50/p99 after
//    a 5 s warm-up (a fresh worker process: cold JIT, new connections).
// 3. Hot row: segment events only, with 2 workers: every event about one segment (all upsert
//    its `segments` row) against the same number spread over 1,000 segments, in turns.
// 4. With --only sweep: throughput of one worker per WORKER_CONCURRENCY (one round each),
//    which is how the default was chosen.
//
// Options: --events <n> (20000), --segment-events <n> (10000), --rounds <n> (3), --concurrency
// <n> (WORKER_CONCURRENCY's default), --rate <n/s> (500), --duration <s> (30),
// --only throughput|segments|latency|sweep, --sweep <list>.
import { createHash } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { MirrorEnv } from '@mirror/config';
import {
  createRedisConnection,
  createWebhookQueue,
  jobIdForKey,
  removeKeysByPrefix,
  WEBHOOK_JOB_NAME,
  WEBHOOK_JOB_OPTIONS,
} from '@mirror/queue';
import type { Benchmark } from './main';
import { createBenchDatabase, type BenchDatabase } from './support/bench-database';
import { startChildServer, type ChildServer } from './support/child-server';
import { deliveriesOf, eventMix, segmentFlips } from './support/event-mix';
import type { RehookBody } from '@mirror/rehook-bodies';
import { median, percentile, postgresCpu, postgresCpuSpent, redisCpuSeconds } from './support/process-cpu';

const ROOT = path.join(__dirname, '..');
const WORKER = path.join(ROOT, 'apps/worker/src/main.ts');
const INGEST = path.join(ROOT, 'apps/ingest/src/main.ts');
const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const ADMIN_URL = process.env['BENCH_DATABASE_SERVER'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DEFAULT_CONCURRENCY = MirrorEnv.parse({}).WORKER_CONCURRENCY;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A database, a queue prefix and `workers` worker processes, torn down by `close`. */
interface Setup {
  db: BenchDatabase;
  prefix: string;
  workers: ChildServer[];
  close(): Promise<void>;
}

async function setUp(label: string, workers: number, concurrency: number): Promise<Setup> {
  const db = await createBenchDatabase(label);
  const prefix = `mirror-bench-${process.pid}-${label}`;
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    WORKER_CONCURRENCY: String(concurrency),
    LOG_LEVEL: 'warn',
  };
  const starting = await Promise.allSettled(
    Array.from({ length: workers }, () => startChildServer(WORKER, 'WORKER_METRICS_PORT', env)),
  );
  const started = starting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = starting.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    // Leave no worker behind when another failed to start.
    await Promise.all(started.map((worker) => worker.stop()));
    await db.drop();
    throw failed.reason;
  }
  const redis = createRedisConnection(REDIS_URL, { role: 'producer' });
  return {
    db,
    prefix,
    workers: started,
    async close() {
      await Promise.all(started.map((worker) => worker.stop()));
      await removeKeysByPrefix(redis, prefix);
      await redis.quit();
      await db.drop();
    },
  };
}

async function count(client: Client, sql: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql);
  return Number(rows[0]?.n ?? 0);
}

interface Throughput {
  eventsPerSecond: number;
  /** CPU per event, µs: the worker processes, Postgres, Redis. */
  workersCpu: number;
  postgresCpu: number;
  redisCpu: number;
}

/** What a throughput round feeds the workers: bodies made for its label (which salts their ids). */
type Bodies = (label: string) => RehookBody[];

const realisticMix =
  (events: number): Bodies =>
  (label) =>
    eventMix(events, Math.ceil(events / 10), 3, label);

async function throughput(
  workers: number,
  concurrency: number,
  bodies: Bodies,
  label: string,
): Promise<Throughput> {
  const setup = await setUp(label, workers, concurrency);
  const redis = createRedisConnection(REDIS_URL, { role: 'producer' });
  const { queue } = createWebhookQueue(redis, { prefix: setup.prefix });
  const client = new Client({ connectionString: setup.db.url });
  await client.connect();
  try {
    const deliveries = deliveriesOf(bodies(label), Date.now());
    const distinct = new Set(deliveries.map((d) => d.idempotencyKey)).size;
    const database = new URL(setup.db.url).pathname.slice(1);
    const workersBefore = setup.workers.map((w) => w.cpuSeconds());
    const redisBefore = await redisCpuSeconds(() => redis.info('cpu'));
    const pgBefore = await postgresCpu(ADMIN_URL, database);

    const first = Date.now();
    for (let i = 0; i < deliveries.length; i += 1000) {
      await queue.addBulk(
        deliveries.slice(i, i + 1000).map((data) => ({
          name: WEBHOOK_JOB_NAME,
          data,
          opts: { ...WEBHOOK_JOB_OPTIONS, jobId: jobIdForKey(data.idempotencyKey) },
        })),
      );
    }
    while ((await count(client, 'SELECT count(*) AS n FROM events')) < distinct) await sleep(100);
    const last = await count(
      client,
      'SELECT (extract(epoch FROM max(stored_at)) * 1000)::bigint AS n FROM events',
    );

    const pgAfter = await postgresCpu(ADMIN_URL, database);
    const perEvent = (seconds: number) => (seconds * 1e6) / distinct;
    return {
      eventsPerSecond: (distinct / Math.max(last - first, 1)) * 1000,
      workersCpu: perEvent(
        setup.workers.reduce((sum, w, i) => sum + w.cpuSeconds() - (workersBefore[i] ?? 0), 0),
      ),
      postgresCpu: perEvent(postgresCpuSpent(pgBefore, pgAfter)),
      redisCpu: perEvent((await redisCpuSeconds(() => redis.info('cpu'))) - redisBefore),
    };
  } finally {
    await client.end();
    await queue.close();
    await redis.quit();
    await setup.close();
  }
}

function describe(t: Throughput): string {
  return (
    `${Math.round(t.eventsPerSecond)} events/s; CPU per event: workers ${t.workersCpu.toFixed(0)} µs, ` +
    `Postgres ${t.postgresCpu.toFixed(0)} µs, Redis ${t.redisCpu.toFixed(0)} µs`
  );
}

/** POSTs a body over a keep-alive connection; resolves with the status code. */
function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/webhooks/rehook',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}

async function latency(rate: number, seconds: number, concurrency: number): Promise<void> {
  const setup = await setUp('latency', 1, concurrency);
  const ingest = await startChildServer(INGEST, 'INGEST_PORT', {
    REDIS_URL,
    QUEUE_PREFIX: setup.prefix,
    LOG_LEVEL: 'warn',
  });
  const poller = new Client({ connectionString: setup.db.url });
  await poller.connect();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const warmupMs = 5000;
  // Bodies, and the digests by which the poller recognises them, are prepared before the clock
  // starts. Stored keys cannot be predicted (a content key carries the ingest's receipt stamp);
  // the stored raw body is the body posted.
  const requests = eventMix(Math.round(rate * seconds), rate * 10, 5, `latency${Date.now()}`).map((body) => {
    const text = JSON.stringify(body);
    return { body: text, key: createHash('md5').update(text).digest('hex') };
  });
  const acknowledged = new Map<string, number>();
  const visible = new Map<string, number>();
  let failures = 0;
  let polling = true;
  // Exact, whatever order transactions commit in: every poll reads all events past the feed
  // position below which nothing can appear any more (`mirror_feed_horizon()`), so an event
  // is seen at the first poll after its commit; that position then moves up to the horizon.
  const poll = (async () => {
    let final = { tx: '0', seq: '0' };
    while (polling) {
      const { rows } = await poller.query<{ tx_id: string; seq: string; digest: string; settled: boolean }>(
        `SELECT tx_id, seq, md5(raw_body) AS digest, tx_id < mirror_feed_horizon() AS settled
         FROM events WHERE (tx_id, seq) > ($1::bigint, $2::bigint) ORDER BY tx_id, seq`,
        [final.tx, final.seq],
      );
      const now = Date.now();
      for (const row of rows) {
        if (!visible.has(row.digest)) visible.set(row.digest, now);
        if (row.settled) final = { tx: row.tx_id, seq: row.seq };
      }
      await sleep(5);
    }
  })();
  try {
    const started = Date.now();
    const inFlight: Promise<void>[] = [];
    let sent = 0;
    while (sent < requests.length) {
      const due = Math.min(requests.length, Math.floor(((Date.now() - started) * rate) / 1000));
      for (; sent < due; sent++) {
        const { body, key } = requests[sent] as { body: string; key: string };
        const measured = Date.now() - started >= warmupMs;
        inFlight.push(
          post(agent, ingest.port, body).then(
            (status) => {
              if (status !== 200) failures++;
              else if (measured && !visible.has(key)) acknowledged.set(key, Date.now());
            },
            () => void failures++,
          ),
        );
      }
      await sleep(1);
    }
    const sendSeconds = (Date.now() - started) / 1000;
    await Promise.all(inFlight);
    const deadline = Date.now() + 30_000;
    while ([...acknowledged.keys()].some((key) => !visible.has(key)) && Date.now() < deadline)
      await sleep(20);
    // A body that repeats an earlier one (the mix has a few) was visible before its 200: skipped.
    const latencies = [...acknowledged].flatMap(([key, at]) => {
      const seen = visible.get(key);
      return seen === undefined ? [] : [Math.max(0, seen - at)];
    });
    console.log(
      `latency at ${rate} events/s (sent ${requests.length} webhooks in ${sendSeconds.toFixed(1)} s = ` +
        `${Math.round(requests.length / sendSeconds)}/s; ${latencies.length} measured after the warm-up, ${failures} not acknowledged): ` +
        `ingest 200 -> read model p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, ` +
        `max ${percentile(latencies, 100)} ms (target p99 < 100 ms)`,
    );
  } finally {
    polling = false;
    await poll;
    agent.destroy();
    await poller.end();
    await ingest.stop();
    await setup.close();
  }
}

/**
 * Segment events only, with 2 workers: every event about one segment (all of them upsert that
 * segment's row) against the same number spread over 1,000 segments; the cases take turns
 * within each round, so both see the same machine load.
 */
async function hotSegment(concurrency: number, events: number, rounds: number): Promise<void> {
  const cases = { spread: 1000, hot: 1 } as const;
  const results: Record<keyof typeof cases, Throughput[]> = { spread: [], hot: [] };
  for (let round = 1; round <= rounds; round++) {
    for (const [name, segments] of Object.entries(cases) as [keyof typeof cases, number][]) {
      const result = await throughput(
        2,
        concurrency,
        (label) => segmentFlips(events, segments, round, label),
        `seg${name}r${round}`,
      );
      results[name].push(result);
      console.log(
        `segment events over ${segments} segment(s), 2 workers, round ${round}: ${describe(result)}`,
      );
    }
  }
  const spread = median(results.spread.map((r) => r.eventsPerSecond));
  const hot = median(results.hot.map((r) => r.eventsPerSecond));
  console.log(
    `segment events, 2 workers: one segment ${Math.round(hot)} events/s, 1,000 segments ${Math.round(spread)} events/s ` +
      `(medians of ${rounds}); one / spread = ${(hot / spread).toFixed(2)} (target >= 0.8)`,
  );
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: String(DEFAULT_CONCURRENCY) },
      rate: { type: 'string', default: '500' },
      duration: { type: 'string', default: '30' },
      only: { type: 'string' },
      'segment-events': { type: 'string', default: '10000' },
      sweep: { type: 'string', default: '16,64,128,256,512' },
    },
  });
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const concurrency = Number(values.concurrency);
  if (values.only === 'sweep') {
    for (const c of values.sweep.split(',').map(Number)) {
      console.log(
        `1 worker, WORKER_CONCURRENCY=${c}: ${describe(await throughput(1, c, realisticMix(events), `sweep${c}`))}`,
      );
    }
    return;
  }
  if (values.only === undefined || values.only === 'throughput') {
    const medians: Record<number, number> = {};
    for (const workers of [1, 2]) {
      const results: Throughput[] = [];
      for (let round = 1; round <= rounds; round++) {
        const result = await throughput(workers, concurrency, realisticMix(events), `w${workers}r${round}`);
        results.push(result);
        console.log(
          `${workers} worker(s) x ${concurrency} jobs in flight, round ${round}: ${describe(result)}`,
        );
      }
      medians[workers] = median(results.map((r) => r.eventsPerSecond));
      console.log(
        `${workers} worker(s): median ${Math.round(medians[workers])} events/s` +
          (workers === 2
            ? ` (target >= 2500; ${((medians[2] ?? 0) / (medians[1] ?? 1)).toFixed(2)}x one worker)`
            : ''),
      );
    }
  }
  if (values.only === undefined || values.only === 'segments') {
    await hotSegment(concurrency, Number(values['segment-events']), rounds);
  }
  if (values.only === undefined || values.only === 'latency') {
    await latency(Number(values.rate), Number(values.duration), concurrency);
  }
}

export const benchmark: Benchmark = {
  description:
    'live projection: throughput of 1 and 2 worker processes; ingest-to-read-model latency at 500/s',
  run,
};
