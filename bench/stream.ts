// `pnpm bench stream`: latency of GET /v1/stream from commit to client, with many clients, while
// events are projected at a steady rate (issue 16: 100 clients, 1,000 events/s, p99 < 250 ms).
//
// Three processes, so that none's CPU time is another's: the API, run as `pnpm start:api` does;
// the stream clients (bench/support/stream-readers-process.ts), which note when each event's
// frame arrives; and this one, the projection, which records event batches through the worker's
// own `recordEvents` (append + projection, one transaction per batch, several in flight, as
// worker processes would) and notes when the statement that stored each batch's events
// returned, which is after its commit. Both ends read the machine's monotonic clock. The
// baselines, in the same run: a single stream client at the same event rate (what fan-out to
// many clients costs on top of the feed's own delay), and a bare NOTIFY's trip to a LISTEN
// connection (the floor under any LISTEN-based feed on this machine at that moment).
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { recordEvents, type RecorderClient } from '@mirror/projections';
import { buildWebhookJob, ReceiptClock, type WebhookJobData } from '@mirror/queue';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { startChildServer, type ChildServer } from './support/child-server';
import { eventMix } from './support/event-mix';
import { percentile, postgresCpu, postgresCpuSpent } from './support/process-cpu';
import { monotonicMs as now, startStreamReaders, type StreamReaders } from './support/stream-readers';

const TOKEN = 'bench-stream-token-0123456789';
/** Events per transaction: 50 ms of events at 1,000/s, as a worker batches the jobs in flight. */
const BATCH = 50;
/** Batch transactions in flight at once (two worker processes with two transactions each). */
const IN_FLIGHT = 4;
const WARMUP_SECONDS = 2;

/**
 * `prisma` for one `recordEvents` call, noting when the statement (or transaction) that stored
 * the events returned: their commit, as this process saw it. The deliveries the recorder writes
 * after that are not waited for: they are not part of the events' way to the stream.
 */
function noteCommit(prisma: PrismaClient): { client: RecorderClient; committedAt: () => number } {
  let committedAt = Number.NaN;
  const noted = <T>(result: T) => {
    committedAt = now();
    return result;
  };
  const client: RecorderClient = {
    $queryRawUnsafe: ((...args: Parameters<PrismaClient['$queryRawUnsafe']>) =>
      prisma.$queryRawUnsafe(...args).then(noted)) as RecorderClient['$queryRawUnsafe'],
    $transaction: ((...args: Parameters<PrismaClient['$transaction']>) =>
      (prisma.$transaction as (...a: unknown[]) => Promise<unknown>)(...args).then(
        noted,
      )) as RecorderClient['$transaction'],
    $executeRawUnsafe: prisma.$executeRawUnsafe.bind(prisma),
  };
  return { client, committedAt: () => committedAt };
}

/**
 * Records `rate` deliveries per second in batches of {@link BATCH}, up to {@link IN_FLIGHT} at
 * once; resolves with the time each stored event's commit returned (a body the mix repeats is a
 * redelivery, which stores nothing).
 */
async function project(
  prisma: PrismaClient,
  jobs: readonly WebhookJobData[],
  rate: number,
): Promise<{ commits: Map<string, number>; deliveries: number; seconds: number }> {
  const commits = new Map<string, number>();
  const started = now();
  const intervalMs = (1000 * BATCH) / rate;
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < jobs.length; i += BATCH) {
    const due = started + (i / BATCH) * intervalMs;
    const wait = due - now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    const recorder = noteCommit(prisma);
    const done: Promise<void> = recordEvents(recorder.client, jobs.slice(i, i + BATCH)).then((recorded) => {
      const at = recorder.committedAt();
      for (const event of recorded) if (event.outcome === 'stored') commits.set(event.idempotencyKey, at);
      inFlight.delete(done);
    });
    inFlight.add(done);
  }
  await Promise.all(inFlight);
  return { commits, deliveries: jobs.length, seconds: (now() - started) / 1000 };
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
  /** Stored events per second of the measured part (the streams carry these). */
  rate: number;
  /** Deliveries recorded per second (what was asked; redeliveries among them store nothing). */
  deliveryRate: number;
  p50: number;
  p99: number;
  max: number;
  /** A bare NOTIFY's trip from its transaction to a LISTEN connection in this process, p50 and p99. */
  notifyP50: number;
  notifyP99: number;
  missing: number;
  apiCpu: number;
  /** The projecting process's CPU, per second of the run. */
  benchCpu: number;
  /** The stream readers' process's CPU, per second of the run. */
  readersCpu: number;
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
  readers: StreamReaders,
  prisma: PrismaClient,
  clock: ReceiptClock,
  options: {
    clients: number;
    rate: number;
    seconds: number;
    salt: string;
    seed: number;
    databaseUrl: string;
    adminUrl: string;
    database: string;
  },
): Promise<PhaseFigures> {
  // A seed of its own for each part of each phase: bodies without an id of their own (a segment
  // entered, a customer created) would otherwise come again, the same, in the next part, as
  // redeliveries, which send most batches down the recorder's slower transactional path; the
  // phases would not be alike.
  let seed = options.seed;
  const jobs = (count: number, salt: string) =>
    eventMix(count, 2000, seed++, salt).map((body) =>
      buildWebhookJob({ rawBody: JSON.stringify(body), body }, clock),
    );
  await readers.open(api.port, TOKEN, await lastPosition(prisma), options.clients);
  // Every stream reads the store itself until it has caught up with the API's shared reader:
  // one batch, waited for at every client, so that the warm-up starts with every stream live
  // rather than with a hundred catching up at once.
  const settle = await project(prisma, jobs(BATCH, `${options.salt}s`), options.rate);
  await readers.measure(settle.commits, 30_000);
  // Statistics as autovacuum would keep them: it is off on this machine's shared Postgres, and
  // without them the feed's queries were planned over a table of unknown size (sequential
  // scans, and JIT compilation of every read: 20 ms each by the second phase).
  await prisma.$executeRawUnsafe('ANALYZE');
  // A warm-up at the same rate, not measured.
  await project(prisma, jobs(options.rate * WARMUP_SECONDS, `${options.salt}w`), options.rate);
  const cpuBefore = api.cpuSeconds();
  const readersCpuBefore = readers.cpuSeconds();
  const benchCpuBefore = process.cpuUsage();
  const postgresBefore = await postgresCpu(options.adminUrl, options.database);
  const measured = jobs(options.rate * options.seconds, options.salt);
  const probe = await startNotifyProbe(options.databaseUrl);
  const { commits, deliveries, seconds } = await project(prisma, measured, options.rate);
  const notifyTrips = await probe.stop();
  const apiCpu = (api.cpuSeconds() - cpuBefore) / seconds;
  const readersCpu = (readers.cpuSeconds() - readersCpuBefore) / seconds;
  const benchUsage = process.cpuUsage(benchCpuBefore);
  const benchCpu = (benchUsage.user + benchUsage.system) / 1e6 / seconds;
  const postgres =
    postgresCpuSpent(postgresBefore, await postgresCpu(options.adminUrl, options.database)) / seconds;
  // Let the last events arrive (5 s is far above the target).
  const latencies = await readers.measure(commits, 5000);
  return {
    clients: options.clients,
    rate: commits.size / seconds,
    deliveryRate: deliveries / seconds,
    ...latencies,
    notifyP50: percentile(notifyTrips, 50),
    notifyP99: percentile(notifyTrips, 99),
    apiCpu,
    benchCpu,
    readersCpu,
    postgresCpu: postgres,
  };
}

function row(f: PhaseFigures): string {
  const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;
  const cpu = (n: number) => `${(n * 100).toFixed(0)}%`;
  return (
    `  ${String(f.clients).padStart(3)} client(s)  ${f.deliveryRate.toFixed(0).padStart(5)} deliveries/s, ` +
    `${f.rate.toFixed(0)} events/s stored  commit to client: p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  max ${ms(f.max)}\n` +
    `                 bare NOTIFY to a listener in the load generator: p50 ${ms(f.notifyP50)}  p99 ${ms(f.notifyP99)}\n` +
    `                 CPU (of a core): API ${cpu(f.apiCpu)}, stream readers ${cpu(f.readersCpu)}, ` +
    `load generator ${cpu(f.benchCpu)}, Postgres ${cpu(f.postgresCpu)}` +
    (f.missing === 0 ? '' : `  <-- ${f.missing} (event, client) pairs never arrived`)
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
  const readers = startStreamReaders();
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
        `to the event's frame at each client (clients in a process of their own); ${cpus().length} CPUs shared by everything; load average ` +
        `${loadavg()
          .map((n) => n.toFixed(2))
          .join(' ')}`,
    );
    const clock = new ReceiptClock();
    const url = new URL(db.url);
    const database = url.pathname.slice(1);
    url.pathname = '/postgres';
    const where = { databaseUrl: db.url, adminUrl: url.toString(), database };
    const baseline = await phase(api, readers, prisma, clock, {
      clients: 1,
      rate,
      seconds,
      salt: `b${process.pid}-`,
      seed: 7,
      ...where,
    });
    console.log(`baseline (one client):\n${row(baseline)}`);
    const many = await phase(api, readers, prisma, clock, {
      clients,
      rate,
      seconds,
      salt: `m${process.pid}-`,
      seed: 9,
      ...where,
    });
    console.log(`${clients} clients:\n${row(many)}`);
    console.log(
      `  p99 with ${clients} clients: ${many.p99.toFixed(1)} ms (target < 250 ms)` +
        `${many.p99 < 250 ? '' : '  <-- above target'}; ${(many.p99 / baseline.p99).toFixed(2)} x one client's`,
    );
  } finally {
    await readers.stop();
    await api?.stop();
    await prisma.$disconnect();
    await db.drop();
  }
}

export const benchmark: Benchmark = {
  description: 'GET /v1/stream: commit-to-client latency of 100 clients at 1,000 events/s vs one client',
  run,
};
