// `pnpm bench asof`: GET /v1/customers/:sourceId?asOf=T for customers with long histories, next
// to the live document of the same customer (the floor: the same query over the live read
// models), in the same run. For each history length, one customer gets that many events
// (test/support/customer-history.ts: wallet movements, orders, rewards, coupons,
// segment flips, profile updates, awards, referrals), beside 400 other customers of 10 events,
// stored through the worker's code path; then `--requests` answers at instants spread evenly
// over the customer's history are timed one after another, through the route's own use case
// (readAsOf + the document query; no HTTP) with the kept folds (snapshots) an API process
// holds, and the live document as often. The first asOf answer of a customer is timed on its
// own ("first"): it folds the whole history once and keeps the snapshots. "no snapshots" is
// the same answer folded from nothing (`readAsOf` without kept folds), at the last instant.
//
// Options: --sizes <n,n,...> (1000,10000), --requests <n> (50), --cold <n> (3).
import { parseArgs } from 'node:util';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { CustomerFolds, recordEvents } from '@mirror/projections';
import { buildWebhookJob, ReceiptClock } from '@mirror/queue';
import { findCustomerDocument } from '../apps/api/src/queries/customers';
import { customerHistory } from '../test/support/customer-history';
import type { RehookBody as Body } from '@mirror/rehook-bodies';
import { readAsOf } from '../apps/api/src/use-cases/read-as-of';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { median, percentile } from './support/process-cpu';

const OTHER_CUSTOMERS = 400;
const OTHER_EVENTS_EACH = 10;
const TARGET_P99_MS = 100;

async function seed(prisma: PrismaClient, customer: string, events: number): Promise<void> {
  const clock = new ReceiptClock();
  const bodies: Body[] = [
    ...customerHistory(customer, events),
    ...Array.from({ length: OTHER_CUSTOMERS }, (_, c) =>
      customerHistory(`OTHER${c}@shop`, OTHER_EVENTS_EACH),
    ).flat(),
  ];
  for (let i = 0; i < bodies.length; i += 500) {
    const jobs = bodies
      .slice(i, i + 500)
      .map((body) => buildWebhookJob({ rawBody: JSON.stringify(body), body }, clock));
    await recordEvents(prisma, jobs);
  }
  await prisma.$executeRawUnsafe('VACUUM ANALYZE');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

const figures = (label: string, ms: readonly number[]) =>
  `  ${label.padEnd(8)} p50 ${median(ms)
    .toFixed(0)
    .padStart(6)} ms   p99 ${percentile(ms, 99).toFixed(0).padStart(6)} ms   max ${Math.max(...ms)
    .toFixed(0)
    .padStart(6)} ms`;

interface Measured {
  events: number;
  first: number;
  cold: number[];
  asOf: number[];
  live: number[];
}

async function measure(events: number, requests: number, colds: number): Promise<Measured> {
  const customer = `ASOF@bench ${events}`;
  const db = await createBenchDatabase(`asof${events}`);
  const prisma = createPrisma(db.url, { role: 'api' });
  try {
    const started = Date.now();
    await seed(prisma, customer, events);
    const [span] = await prisma.$queryRawUnsafe<{ first: Date; last: Date; n: bigint }[]>(
      'SELECT min(received_at) AS first, max(received_at) AS last, count(*) AS n FROM events WHERE source_id = $1',
      customer,
    );
    if (span === undefined || Number(span.n) !== events)
      throw new Error(`the customer has ${span?.n} events, not ${events}`);
    console.log(
      `a customer with ${events} events beside ${OTHER_CUSTOMERS * OTHER_EVENTS_EACH} of ${OTHER_CUSTOMERS} others, ` +
        `seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const withSnapshots = { prisma, folds: new CustomerFolds() };
    const doc = (
      asOf: Date | undefined,
      deps: { prisma: PrismaClient; folds?: CustomerFolds } = withSnapshots,
    ) =>
      readAsOf(deps, customer, asOf, (at) => findCustomerDocument(at, customer)).then((d) => {
        if (d === null) throw new Error(`no document as of ${asOf?.toISOString()}`);
      });
    const start = span.first.getTime();
    const length = span.last.getTime() - start;
    // Warm up the live path once (connections, plans); the first asOf is timed on its own.
    await doc(undefined);
    const first = await timed(() => doc(span.last));
    const cold: number[] = [];
    for (let i = 0; i < colds; i++) cold.push(await timed(() => doc(span.last, { prisma })));
    const asOf: number[] = [];
    const live: number[] = [];
    for (let i = 1; i <= requests; i++) {
      asOf.push(await timed(() => doc(new Date(start + Math.round((i / requests) * length)))));
      live.push(await timed(() => doc(undefined)));
    }
    // One request, the same each time (the middle of the history): what a loaded machine's
    // spread over instants cannot tell apart from noise.
    const middle = new Date(start + Math.round(length / 2));
    const same: number[] = [];
    for (let i = 0; i < 10; i++) same.push(await timed(() => doc(middle)));
    console.log(`  first asOf (folds the history, keeps the snapshots): ${first.toFixed(0)} ms`);
    console.log(figures('same ×10', same));
    if (cold.length > 0) console.log(figures('no snap', cold));
    console.log(figures('asOf', asOf));
    console.log(figures('live', live));
    return { events, first, cold, asOf, live };
  } finally {
    await prisma.$disconnect();
    await db.drop();
  }
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      requests: { type: 'string', default: '50' },
      cold: { type: 'string', default: '3' },
    },
  });
  const sizes = (values.sizes ?? '').split(',').map(Number);
  const requests = Number(values.requests);
  const results = [];
  const colds = Number(values.cold);
  for (const events of sizes) results.push(await measure(events, requests, colds));
  console.log(
    `\nasOf answers (${requests} instants spread over the history, one at a time) vs the live document:`,
  );
  for (const r of results) {
    const p99 = percentile(r.asOf, 99);
    const verdict =
      r.events === 10000
        ? p99 < TARGET_P99_MS
          ? '  (target < 100 ms: met)'
          : '  <-- target < 100 ms at 10,000 events'
        : '';
    console.log(
      `  ${String(r.events).padStart(6)} events: asOf p50 ${median(r.asOf).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms; ` +
        `live p50 ${median(r.live).toFixed(0)} ms; asOf / live ${(median(r.asOf) / median(r.live)).toFixed(1)}×; ` +
        `first ${r.first.toFixed(0)} ms${r.cold.length > 0 ? `; no snapshots p50 ${median(r.cold).toFixed(0)} ms` : ''}${verdict}`,
    );
  }
}

export const benchmark: Benchmark = {
  description:
    'asOf: the customer document as of an instant, for histories of 1,000 and 10,000 events, vs live',
  run,
};
