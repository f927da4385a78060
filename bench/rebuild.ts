// `pnpm bench rebuild`: rebuild throughput over a large event store, next to a floor measured
// in the same run: a plain COPY of as many rows of the same events into a scratch table (no
// index, no constraint), i.e. what Postgres needs just to take in that much data.
//
// Setup (not timed): a fresh database, N stored events of the realistic mix
// (bench/support/event-mix.ts), appended without projection, then one rebuild to warm up and to
// leave the read models populated, as they are when an operator rebuilds. Then `rounds` times:
// rebuild (events/s, with CPU per event of this process and of Postgres), and COPY (rows/s).
//
// Options: --events <n> (205000, of which > 200000 distinct), --rounds <n> (3), --batch-size <n> (5000),
// --flush-rows <n> (50000), --customers <n> (events / 10).
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { appendEvents } from '@mirror/event-store';
import { readBody, rebuildReadModels } from '@mirror/projections';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { deliveriesOf, eventMix } from './support/event-mix';
import { median, postgresCpu, postgresCpuSpent } from './support/process-cpu';

const ADMIN_URL = process.env['BENCH_DATABASE_SERVER'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

interface Round {
  rebuildEventsPerSecond: number;
  rebuildMs: number;
  nodeCpuUsPerEvent: number;
  postgresCpuUsPerEvent: number;
  copyRowsPerSecond: number;
  copyMs: number;
}

/** Appends `events` of the realistic mix over `customers`, without projection; returns how many are stored. */
export async function store(prisma: PrismaClient, events: number, customers: number): Promise<number> {
  const deliveries = deliveriesOf(eventMix(events, customers, 7), Date.UTC(2026, 0, 1));
  for (let i = 0; i < deliveries.length; i += 5000) {
    const rows = deliveries.slice(i, i + 5000).map(
      (d) =>
        readBody({
          rawBody: d.rawBody,
          origin: 'webhook',
          meta: {
            receiptStamp: BigInt(d.receiptStamp),
            idempotencyKey: d.idempotencyKey,
            receivedAt: new Date(d.receivedAt),
          },
        }).event,
    );
    await appendEvents(prisma, rows);
  }
  await prisma.$executeRawUnsafe('VACUUM ANALYZE events');
  const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM events');
  return Number(row?.n ?? 0);
}

/** COPY of the stored events from a server-side file into a fresh scratch table. */
async function copyFloor(prisma: PrismaClient, file: string): Promise<number> {
  await prisma.$executeRawUnsafe('DROP TABLE IF EXISTS copy_floor');
  await prisma.$executeRawUnsafe('CREATE TABLE copy_floor (LIKE events)');
  const started = performance.now();
  await prisma.$executeRawUnsafe(`COPY copy_floor FROM '${file}'`);
  const ms = performance.now() - started;
  await prisma.$executeRawUnsafe('DROP TABLE copy_floor');
  return ms;
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      // The mix repeats ~1.2% of its bodies, which the store dedupes: 205,000 give > 200,000 stored.
      events: { type: 'string', default: '205000' },
      rounds: { type: 'string', default: '3' },
      'batch-size': { type: 'string', default: '5000' },
      'flush-rows': { type: 'string', default: '50000' },
      customers: { type: 'string' },
    },
  });
  const events = Number(values.events);
  const rounds = Number(values.rounds);
  const batchSize = Number(values['batch-size']);
  const flushRows = Number(values['flush-rows']);
  const customers = Number(values.customers ?? Math.ceil(events / 10));
  const db = await createBenchDatabase('rebuild');
  const database = new URL(db.url).pathname.slice(1);
  const prisma = createPrisma(db.url, { max: 3 });
  const file = `/tmp/mirror-bench-${process.pid}.copy`;
  try {
    process.stdout.write(`storing ${events} events over ${customers} customers... `);
    const stored = await store(prisma, events, customers);
    await prisma.$executeRawUnsafe(`COPY events TO '${file}'`);
    const warm = await rebuildReadModels(prisma, { batchSize, flushRows });
    console.log(
      `${stored} distinct events stored; warm-up rebuild ${Math.round(warm.eventsPerSecond)} events/s`,
    );

    const results: Round[] = [];
    for (let round = 1; round <= rounds; round++) {
      const cpuBefore = process.cpuUsage();
      const pgBefore = await postgresCpu(ADMIN_URL, database);
      const report = await rebuildReadModels(prisma, { batchSize, flushRows });
      const pgAfter = await postgresCpu(ADMIN_URL, database);
      const cpu = process.cpuUsage(cpuBefore);
      const copyMs = await copyFloor(prisma, file);
      const result: Round = {
        rebuildEventsPerSecond: report.eventsPerSecond,
        rebuildMs: report.durationMs,
        nodeCpuUsPerEvent: (cpu.user + cpu.system) / report.events,
        postgresCpuUsPerEvent: (postgresCpuSpent(pgBefore, pgAfter) * 1e6) / report.events,
        copyRowsPerSecond: (stored / copyMs) * 1000,
        copyMs,
      };
      results.push(result);
      console.log(
        `round ${round}: rebuild ${Math.round(result.rebuildEventsPerSecond)} events/s (${Math.round(result.rebuildMs)} ms; ` +
          `CPU per event: this process ${result.nodeCpuUsPerEvent.toFixed(1)} µs, Postgres ${result.postgresCpuUsPerEvent.toFixed(1)} µs) | ` +
          `COPY floor ${Math.round(result.copyRowsPerSecond)} rows/s (${Math.round(copyMs)} ms)`,
      );
    }
    const rebuild = median(results.map((r) => r.rebuildEventsPerSecond));
    const copy = median(results.map((r) => r.copyRowsPerSecond));
    console.log(
      `\nmedian of ${rounds}: rebuild ${Math.round(rebuild)} events/s (target >= 25000), COPY floor ${Math.round(copy)} rows/s, ` +
        `rebuild / COPY = ${(rebuild / copy).toFixed(2)}; CPU per event: this process ${median(results.map((r) => r.nodeCpuUsPerEvent)).toFixed(1)} µs, ` +
        `Postgres ${median(results.map((r) => r.postgresCpuUsPerEvent)).toFixed(1)} µs`,
    );
  } finally {
    rmSync(file, { force: true });
    await prisma.$disconnect();
    await db.drop();
  }
}

export const benchmark: Benchmark = {
  description: 'rebuild of the read models from >= 200,000 stored events, next to a plain COPY floor',
  run,
};
