// `pnpm bench api`: GET /v1/customers/:sourceId for a customer with 1,000 events, next to the
// floor for "serve that document": a bare node:http + pg server that runs the very statement
// the API runs (one query, `customerDocumentSql`, which has Postgres write the JSON) and sends
// the text, with no auth, routing, validation, metrics or Prisma. Same database, same pool size (10), same load: autocannon,
// 32 connections, one customer. The ratio api / baseline is what the framework costs.
//
// Both servers run in processes of their own (this one only generates load). This same file is
// the baseline server: startChildServer runs it as a script with BENCH_API_BASELINE=1.
//
// Options: --duration <s> (10), --rounds <n> (3; the servers take turns, medians are reported),
// --connections <n> (32), --events <n> (1000, for the measured customer), --profile (CPU-profile
// the API in the last round and print where its time went; profiles land in .bench/api-profiles).
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { createPrisma } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
import { buildWebhookJob, createRedisConnection, ReceiptClock, removeKeysByPrefix } from '@mirror/queue';
import { customerDocumentSql } from '../apps/api/src/queries/customers';
import { customerHistory } from '../test/support/customer-history';
import type { RehookBody as Body } from '@mirror/rehook-bodies';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { startChildServer } from './support/child-server';
import { printNewestProfile } from './support/cpu-profile';
import { median } from './support/process-cpu';

/** The measured customer: an id that needs URL encoding, like real ones. */
const CUSTOMER = 'KMN@123 bench+ü';
const OTHER_CUSTOMERS = 400;
const OTHER_EVENTS_EACH = 10;
const TOKEN = 'bench-token-0123456789abcdef';
const WARMUP_SECONDS = 2;
const POOL_SIZE = 10;
const PROFILE_DIR = join(__dirname, '../.bench/api-profiles');

const TARGETS = ['baseline', 'api'] as const;
type Target = (typeof TARGETS)[number];

interface Figures {
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** The baseline server (this file run as a script): one statement per request over `pg`. */
function serveBaseline(): void {
  const pool = new Pool({ connectionString: process.env['DATABASE_URL'], max: POOL_SIZE });
  const prefix = '/v1/customers/';
  const server = createServer((req, res) => {
    const sourceId = decodeURIComponent((req.url ?? '').slice(prefix.length));
    const sql = customerDocumentSql(sourceId);
    pool.query<{ doc: string }>(sql.text, sql.values).then(
      ({ rows }) => {
        const doc = rows[0]?.doc;
        res.writeHead(doc === undefined ? 404 : 200, { 'content-type': 'application/json' });
        res.end(doc ?? '{"status":404}');
      },
      () => res.writeHead(500).end(),
    );
  });
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  });
}

/** Stores the events through the worker's code path, as live traffic would. */
async function seed(databaseUrl: string, events: number): Promise<void> {
  const prisma = createPrisma(databaseUrl, { role: 'api' });
  const clock = new ReceiptClock();
  const bodies: Body[] = [
    ...customerHistory(CUSTOMER, events),
    ...Array.from({ length: OTHER_CUSTOMERS }, (_, c) =>
      customerHistory(`CUST${c}@shop`, OTHER_EVENTS_EACH),
    ).flat(),
  ];
  try {
    for (let i = 0; i < bodies.length; i += 500) {
      const jobs = bodies
        .slice(i, i + 500)
        .map((body) => buildWebhookJob({ rawBody: JSON.stringify(body), body }, clock));
      await recordEvents(prisma, jobs);
    }
  } finally {
    await prisma.$disconnect();
  }
}

function load(port: number, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        path: `/v1/customers/${encodeURIComponent(CUSTOMER)}`,
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    ],
    timeout: 10,
  });
}

interface RunOptions {
  databaseUrl: string;
  queuePrefix: string;
  seconds: number;
  connections: number;
  profile?: boolean;
}

async function start(target: Target, options: RunOptions) {
  return target === 'api'
    ? startChildServer(
        'apps/api/src/main.ts',
        'API_PORT',
        {
          DATABASE_URL: options.databaseUrl,
          API_TOKEN: TOKEN,
          QUEUE_PREFIX: options.queuePrefix,
          LOG_LEVEL: 'info',
          NODE_ENV: 'production',
          // One load generator is one client: lift the per-client rate limit out of the way.
          API_RATE_LIMIT_PER_MINUTE: '1000000000',
        },
        options.profile === true ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [],
      )
    : startChildServer('bench/api.ts', 'PORT', {
        DATABASE_URL: options.databaseUrl,
        BENCH_API_BASELINE: '1',
      });
}

async function measure(target: Target, options: RunOptions): Promise<Figures> {
  const server = await start(target, options);
  try {
    await load(server.port, WARMUP_SECONDS, options.connections);
    const result = await load(server.port, options.seconds, options.connections);
    return {
      target,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
    };
  } finally {
    await server.stop();
  }
}

/** Both servers must answer the same document, or the comparison means nothing. */
async function checkSameDocument(options: RunOptions, events: number): Promise<number> {
  const bodies: string[] = [];
  for (const target of TARGETS) {
    const server = await start(target, options);
    try {
      const res = await fetch(
        `http://127.0.0.1:${server.port}/v1/customers/${encodeURIComponent(CUSTOMER)}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      );
      if (res.status !== 200) throw new Error(`${target} answered ${res.status}`);
      bodies.push(await res.text());
    } finally {
      await server.stop();
    }
  }
  const [baseline, api] = bodies.map((text) => JSON.parse(text) as { eventCount: number });
  if (JSON.stringify(baseline) !== JSON.stringify(api))
    throw new Error('the baseline and the API answer different documents');
  if (api?.eventCount !== events)
    throw new Error(`the customer has ${api?.eventCount} events, not ${events}`);
  return Buffer.byteLength(bodies[1] ?? '');
}

const row = (f: Figures) =>
  `  ${f.target.padEnd(9)} ${f.rps.toFixed(0).padStart(7)} req/s   p50 ${String(f.p50).padStart(4)} ms   ` +
  `p99 ${String(f.p99).padStart(4)} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      events: { type: 'string', default: '1000' },
      profile: { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.duration);
  const rounds = Number(values.rounds);
  const connections = Number(values.connections);
  const events = Number(values.events);
  const queuePrefix = `bench-api-${process.pid}`;
  if (values.profile === true) mkdirSync(PROFILE_DIR, { recursive: true });
  const db = await createBenchDatabase('api');
  const redis = createRedisConnection(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
    role: 'producer',
  });
  try {
    const started = Date.now();
    await seed(db.url, events);
    const options: RunOptions = { databaseUrl: db.url, queuePrefix, seconds, connections };
    const bytes = await checkSameDocument(options, events);
    console.log(
      `GET /v1/customers/:sourceId, a customer with ${events} events (document ${(bytes / 1024).toFixed(0)} KiB), ` +
        `${OTHER_CUSTOMERS * OTHER_EVENTS_EACH} events of ${OTHER_CUSTOMERS} other customers; seeded through ` +
        `recordEvents in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `autocannon: ${connections} connections, ${seconds} s per run after ${WARMUP_SECONDS} s warm-up, ${rounds} rounds; ` +
        `${cpus().length} CPUs shared by load generator, servers and Postgres (figures are noisy)`,
    );
    const runs: Figures[] = [];
    for (let round = 1; round <= rounds; round++) {
      console.log(`round ${round}`);
      // Alternate who goes first, so neither always runs on a warmer (or busier) machine.
      const order = round % 2 === 1 ? TARGETS : [...TARGETS].reverse();
      for (const target of order) {
        const profile = values.profile === true && target === 'api' && round === rounds;
        const figures = await measure(target, { ...options, profile });
        runs.push(figures);
        console.log(row(figures));
      }
    }
    console.log(`\nmedians over ${rounds} rounds:`);
    const of = (target: Target) => runs.filter((r) => r.target === target);
    for (const target of TARGETS) {
      const mine = of(target);
      console.log(
        `  ${target.padEnd(9)} ${median(mine.map((r) => r.rps))
          .toFixed(0)
          .padStart(7)} req/s   ` +
          `p50 ${median(mine.map((r) => r.p50))} ms   p99 ${median(mine.map((r) => r.p99))} ms`,
      );
    }
    const ratio = median(of('api').map((r) => r.rps)) / median(of('baseline').map((r) => r.rps));
    console.log(
      `  api / baseline: ${ratio.toFixed(2)} (target: at least 0.50)${ratio >= 0.5 ? '' : '  <-- below target'}`,
    );
    const failures = runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    console.log(`  non-2xx answers and errors: ${failures}${failures === 0 ? '' : '  <-- must be 0'}`);
    if (values.profile === true) printNewestProfile(PROFILE_DIR, 'the API');
  } finally {
    await removeKeysByPrefix(redis, queuePrefix).catch(() => 0);
    redis.disconnect();
    await db.drop();
  }
}

export const benchmark: Benchmark = {
  description: 'API: GET /v1/customers/:sourceId (1,000 events) vs a bare node:http + pg server',
  run,
};

if (process.env['BENCH_API_BASELINE'] === '1') serveBaseline();
