// `pnpm bench stream`: latency of GET /v1/stream from commit to client, with many clients, while
// events are projected at a steady rate (issue 16: 100 clients, 1,000 events/s, p99 < 250 ms).
//
// The API runs as `pnpm start:api` does, in a child process whose CPU time is read from /proc.
// This process is the projection and the clients: it records event batches through the
// worker's own `recordEvents` (append + projection, one transaction per batch, several in
// flight, as worker processes would), notes the time each batch's commit returned, and reads
// every stream over raw HTTP, noting when each event arrives; one clock for both ends. The
// baselines, in the same run: a single stream client at the same event rate (what fan-out to
// many clients costs on top of the feed's own delay), and a bare NOTIFY's trip to a LISTEN
// connection (the floor under any LISTEN-based feed on this machine at that moment).
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
import { buildWebhookJob, ReceiptClock, type WebhookJobData } from '@mirror/queue';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { startChildServer, type ChildServer } from './support/child-server';
import { eventMix } from './support/event-mix';
import { percentile, postgresCpu, postgresCpuSpent } from './support/process-cpu';

const TOKEN = 'bench-stream-token-0123456789';
/** Events per transaction: 50 ms of events at 1,000/s, as a worker batches the jobs in flight. */
const BATCH = 50;
/** Batch transactions in flight at once (two worker processes with two transactions each). */
const IN_FLIGHT = 4;
const WARMUP_SECONDS = 2;

const now = () => performance.timeOrigin + performance.now();

/** One raw stream reader: the arrival time of each event, by idempotency key. */
interface Reader {
  arrivals: Map<string, number>;
  close(): void;
}

const KEY_MARK = '"idempotencyKey":"';
/** A JSON string literal (keys may hold quotes, escaped), matched where the key's value starts. */
const KEY_STRING = /"(?:[^"\\]|\\.)*"/y;

/**
 * Opens `/v1/stream?after=` and notes when each event's frame is complete. It scans for the key
 * rather than parsing each event's JSON, so that 100 readers in this process keep up.
 */
function openReader(port: number, after: string | undefined): Promise<Reader> {
  const arrivals = new Map<string, number>();
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: `/v1/stream${after === undefined ? '' : `?after=${after}`}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        const at = now();
        pending += chunk;
        let end: number;
        let from = 0;
        while ((end = pending.indexOf('\n\n', from)) >= 0) {
          const mark = pending.indexOf(KEY_MARK, from);
          if (mark >= 0 && mark < end) {
            KEY_STRING.lastIndex = mark + KEY_MARK.length - 1;
            const literal = KEY_STRING.exec(pending)?.[0];
            if (literal !== undefined) arrivals.set(JSON.parse(literal) as string, at);
          }
          from = end + 2;
        }
        pending = pending.slice(from);
      });
      res.on('error', () => {});
      resolve({ arrivals, close: () => req.destroy() });
    });
    req.end();
  });
}

/**
 * Records `rate` events per second in batches of {@link BATCH}, up to {@link IN_FLIGHT} at once;
 * resolves with the time each stored event's commit returned.
 */
async function project(
  prisma: PrismaClient,
  jobs: readonly WebhookJobData[],
  rate: number,
): Promise<{ commits: Map<string, number>; seconds: number }> {
  const commits = new Map<string, number>();
  const started = now();
  const intervalMs = (1000 * BATCH) / rate;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < jobs.length; i += BATCH) {
    const due = started + (i / BATCH) * intervalMs;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    const done: Promise<void> = recordEvents(prisma, jobs.slice(i, i + BATCH)).then((recorded) => {
      const at = now();
      // Only stored events are streamed (a body the mix repeats is a redelivery).
      for (const event of recorded) if (event.outcome === 'stored') commits.set(event.idempotencyKey, at);
      inFlight.delete(done);
    });
    inFlight.add(done);
  }
  await Promise.all(inFlight);
  return { commits, seconds: (now() - started) / 1000 };
}

/**
 * The floor under any LISTEN-based feed on this machine at this moment: every 50 ms a
 * transaction of its own notifies a channel with the time it was sent, and a LISTEN connection
 * in this process notes how long that took to arrive.
 */
async function startNotifyProbe(databaseUrl: string): Promise<{ stop: () => Promise<number[]> }> {
  const listener = new Client({ connectionString: databaseUrl });
  const sender = new Client({ connectionString: databaseUrl });
  await Promise.all([listener.connect(), sender.connect()]);
  const trips: number[] = [];
  listener.on('notification', (message) => trips.push(Math.max(0, now() - Number(message.payload))));
  await listener.query('LISTEN bench_stream_probe');
  let running = true;
  const loop = (async () => {
    while (running) {
      await sender.query(`SELECT pg_notify('bench_stream_probe', $1)`, [String(now())]);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await new Promise((resolve) => setTimeout(resolve, 200));
      await Promise.all([listener.end(), sender.end()]);
      return trips;
    },
  };
}

interface PhaseFigures {
  clients: number;
  events: number;
  rate: number;
  p50: number;
  p99: number;
  max: number;
  /** A bare NOTIFY's trip from its transaction to a LISTEN connection in this process, p50 and p99. */
  notifyP50: number;
  notifyP99: number;
  missing: number;
  apiCpu: number;
  /** This process's CPU (projection and readers), per second of the run. */
  benchCpu: number;
  /** The database's Postgres backends (and shared writers), per second of the run. */
  postgresCpu: number;
}

async function lastPosition(prisma: PrismaClient): Promise<string | undefined> {
  const rows = await prisma.$queryRaw<{ position: string }[]>`
    SELECT lpad(to_hex(tx_id), 16, '0') || lpad(to_hex(seq), 16, '0') AS position
    FROM events ORDER BY tx_id DESC, seq DESC LIMIT 1`;
  return rows[0]?.position;
}

async function phase(
  api: ChildServer,
  prisma: PrismaClient,
  clock: ReceiptClock,
  options: {
    clients: number;
    rate: number;
    seconds: number;
    salt: string;
    databaseUrl: string;
    adminUrl: string;
    database: string;
  },
): Promise<PhaseFigures> {
  const jobs = (count: number, salt: string) =>
    eventMix(count, 2000, 7, salt).map((body) =>
      buildWebhookJob({ rawBody: JSON.stringify(body), body }, clock),
    );
  const after = await lastPosition(prisma);
  const readers = await Promise.all(
    Array.from({ length: options.clients }, () => openReader(api.port, after)),
  );
  try {
    // A warm-up at the same rate, not measured.
    await project(prisma, jobs(options.rate * WARMUP_SECONDS, `${options.salt}w`), options.rate);
    const cpuBefore = api.cpuSeconds();
    const benchCpuBefore = process.cpuUsage();
    const postgresBefore = await postgresCpu(options.adminUrl, options.database);
    const measured = jobs(options.rate * options.seconds, options.salt);
    const probe = await startNotifyProbe(options.databaseUrl);
    const { commits, seconds } = await project(prisma, measured, options.rate);
    const notifyTrips = await probe.stop();
    // Let the last events arrive (a second is far above the target).
    const deadline = now() + 5000;
    const keys = [...commits.keys()];
    while (now() < deadline && readers.some((r) => keys.some((key) => !r.arrivals.has(key))))
      await new Promise((resolve) => setTimeout(resolve, 100));
    const apiCpu = (api.cpuSeconds() - cpuBefore) / seconds;
    const postgres =
      postgresCpuSpent(postgresBefore, await postgresCpu(options.adminUrl, options.database)) / seconds;
    const benchUsage = process.cpuUsage(benchCpuBefore);
    const benchCpu = (benchUsage.user + benchUsage.system) / 1e6 / seconds;
    const latencies: number[] = [];
    let missing = 0;
    for (const reader of readers) {
      for (const [key, committed] of commits) {
        const arrived = reader.arrivals.get(key);
        if (arrived === undefined) {
          missing++;
          continue;
        }
        // An event can arrive before this process has run its commit's callback: that is 0.
        latencies.push(Math.max(0, arrived - committed));
      }
    }
    return {
      clients: options.clients,
      events: commits.size,
      rate: commits.size / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
      notifyP50: percentile(notifyTrips, 50),
      notifyP99: percentile(notifyTrips, 99),
      missing,
      apiCpu,
      benchCpu,
      postgresCpu: postgres,
    };
  } finally {
    for (const reader of readers) reader.close();
  }
}

function row(f: PhaseFigures): string {
  const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;
  return (
    `  ${String(f.clients).padStart(3)} client(s)  ${f.rate.toFixed(0).padStart(5)} events/s  ` +
    `commit to client: p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  max ${ms(f.max)}\n` +
    `                 bare NOTIFY to a listener in this process: p50 ${ms(f.notifyP50)}  p99 ${ms(f.notifyP99)}\n` +
    `                 API CPU ${(f.apiCpu * 100).toFixed(0)}% of a core, load generator ${(f.benchCpu * 100).toFixed(0)}%, Postgres ${(f.postgresCpu * 100).toFixed(0)}%` +
    (f.missing === 0 ? '' : `  <-- ${f.missing} events never reached a client`)
  );
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      clients: { type: 'string', default: '100' },
      rate: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '10' },
    },
  });
  const clients = Number(values.clients);
  const rate = Number(values.rate);
  const seconds = Number(values.duration);
  const db = await createBenchDatabase('stream');
  const prisma = createPrisma(db.url, { max: IN_FLIGHT + 2 });
  let api: ChildServer | undefined;
  try {
    api = await startChildServer('apps/api/src/main.ts', 'API_PORT', {
      DATABASE_URL: db.url,
      API_TOKEN: TOKEN,
      QUEUE_PREFIX: `bench-stream-${process.pid}`,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      API_STREAMS_PER_TOKEN: String(clients + 10),
    });
    console.log(
      `${rate} events/s projected through recordEvents (batches of ${BATCH}, ${IN_FLIGHT} transactions in ` +
        `flight), ${seconds} s per phase after ${WARMUP_SECONDS} s warm-up; latency from the commit's return ` +
        `to the event's frame at each client; ${cpus().length} CPUs shared by everything; load average ` +
        `${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    const clock = new ReceiptClock();
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    url.pathname = '/postgres';
    const where = { databaseUrl: db.url, adminUrl: url.toString(), database };
    const baseline = await phase(api, prisma, clock, {
      clients: 1,
      rate,
      seconds,
      salt: `b${process.pid}-`,
      ...where,
    });
    console.log(`baseline (one client):\n${row(baseline)}`);
    const many = await phase(api, prisma, clock, {
      clients,
      rate,
      seconds,
      salt: `m${process.pid}-`,
      ...where,
    });
    console.log(`${clients} clients:\n${row(many)}`);
    console.log(
      `  p99 with ${clients} clients: ${many.p99.toFixed(1)} ms (target < 250 ms)` +
        `${many.p99 < 250 ? '' : '  <-- above target'}; ${(many.p99 / baseline.p99).toFixed(2)} x one client's`,
    );
  } finally {
    await api?.stop();
    await prisma.$disconnect();
    await db.drop();
  }
}

export const benchmark: Benchmark = {
  description: 'GET /v1/stream: commit-to-client latency of 100 clients at 1,000 events/s vs one client',
  run,
};
