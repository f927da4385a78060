// `pnpm bench reconcile`: a reconcile run over N customers of 3 wallets of 50 transactions each
// (default 10,000 customers: 1.5M transactions), against the fake Rehook API in a process of its
// own that generates every answer on demand, next to a baseline measured in the same run: the
// same pages read by a bare client (fetch + JSON.parse, the same number of requests in flight, no
// validation, no database). The ratio is the reconciler's own cost: validating every response,
// reading each customer's ledger from Postgres, comparing, recording the run and the repairs.
//
// Setup (not timed): a fresh database whose read models know every customer and hold every
// transaction but the last one of each customer's first wallet (written with one SQL statement,
// as the projections would have left them). Then: baseline, run 1 (repairs one transaction per
// customer), baseline, run 2 (unchanged data: appends nothing). CPU per customer is this
// process's (the reconciler's, or the bare client's) and Postgres's; the fake's is shown apart.
//
// Options: --customers <n> (10000), --page-size <n> (10: the fake's default; Rehook's is not
// documented), --concurrency <n> (4: RECONCILE_CONCURRENCY's default).
import { parseArgs } from 'node:util';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { type ReconcileRunResult, runReconcile } from '@mirror/reconcile';
import { Limiter, RehookApiClient } from '@mirror/rehook-api';
import type { Benchmark } from './main';
import { createBenchDatabase } from './support/bench-database';
import { startChildServer } from './support/child-server';
import { postgresCpu, postgresCpuSpent } from './support/process-cpu';
import { benchSourceId, TRANSACTIONS_PER_WALLET, WALLETS_PER_CUSTOMER } from './support/reconcile-history';

const ADMIN_URL = process.env['BENCH_DATABASE_SERVER'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const KEY = 'bench_key';
const SECRET = 'bench_secret';

/** The mirror's side, as the projections would have left it, minus one transaction per customer. */
async function seedMirror(prisma: PrismaClient, customers: number): Promise<void> {
  await prisma.$executeRawUnsafe(
    `INSERT INTO customers (source_id, first_seen_at, last_event_at, event_count, rehook_customer_id)
     SELECT 'bench-' || i || '@shop', now(), now(), 1, 'cust_bench_' || i FROM generate_series(0, $1 - 1) AS i`,
    customers,
  );
  await prisma.$executeRawUnsafe(
    `INSERT INTO wallet_transactions (transaction_id, direction, source_id, points, description, occurred_at, stamp, stamp_key)
     SELECT 'trhi_' || i || '_' || w || '_' || t,
            CASE WHEN t % 5 = 4 THEN 'debit' ELSE 'credit' END,
            'bench-' || i || '@shop', (t % 9) + 1, 'Wallet points', now(), 0, 'bench'
       FROM generate_series(0, $1 - 1) AS i, generate_series(0, $2 - 1) AS w, generate_series(0, $3 - 1) AS t
      WHERE NOT (w = 0 AND t = $3 - 1)`,
    customers,
    WALLETS_PER_CUSTOMER,
    TRANSACTIONS_PER_WALLET,
  );
  await prisma.$executeRawUnsafe('VACUUM ANALYZE customers');
  await prisma.$executeRawUnsafe('VACUUM ANALYZE wallet_transactions');
}

/** The baseline: every page a run reads, by a bare client. @returns records read. */
async function barePaging(baseUrl: string, customers: number, concurrency: number): Promise<number> {
  const limiter = new Limiter(concurrency);
  const authorization = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
  const get = (path: string) =>
    limiter.run(async () => {
      const response = await fetch(`${baseUrl}${path}`, { headers: { authorization } });
      const text = await response.text();
      // 404 is the referral list's "none"; anything else but 200 would make the figures wrong.
      if (response.status === 404) return [];
      if (response.status !== 200) throw new Error(`baseline: HTTP ${response.status} for ${path}`);
      return JSON.parse(text) as unknown[];
    });
  let records = 0;
  let next = 0;
  const lane = async () => {
    while (next < customers) {
      const id = encodeURIComponent(benchSourceId(next++));
      const [wallets, referrals] = await Promise.all([
        get(`/wallets/customer/${id}`) as Promise<{ wallet_id: string }[]>,
        get(`/customers/referral/list/${id}`),
      ]);
      records += wallets.length + referrals.length;
      await Promise.all(
        wallets.map(async (wallet) => {
          for (let page = 1; ; page += 1) {
            const items = await get(`/wallets/customer/${id}/transactions/${wallet.wallet_id}?page=${page}`);
            if (items.length === 0) return;
            records += items.length;
          }
        }),
      );
    }
  };
  // As many customers at once as runReconcile's default.
  await Promise.all(Array.from({ length: 8 }, lane));
  return records;
}

interface Pass {
  label: string;
  seconds: number;
  records: number;
  customersPerSecond: number;
  ownCpuMsPerCustomer: number;
  postgresCpuMsPerCustomer: number;
  fakeCpuMsPerCustomer: number;
  run?: ReconcileRunResult;
}

export const benchmark: Benchmark = {
  description:
    'reconcile run over 10,000 customers x 3 wallets x 50 transactions against the fake, vs bare paging',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        customers: { type: 'string', default: '10000' },
        'page-size': { type: 'string', default: '10' },
        concurrency: { type: 'string', default: '4' },
      },
    });
    const customers = Number(values.customers);
    const pageSize = Number(values['page-size']);
    const concurrency = Number(values.concurrency);
    const database = await createBenchDatabase('reconcile');
    const prisma = createPrisma(database.url, { role: 'worker', max: 4 });
    const fake = await startChildServer('bench/support/fake-rehook-server.ts', 'FAKE_REHOOK_PORT', {
      FAKE_REHOOK_PAGE_SIZE: String(pageSize),
      FAKE_REHOOK_KEY: KEY,
      FAKE_REHOOK_SECRET: SECRET,
    });
    try {
      console.log(
        `seeding: ${customers} customers, ${customers * WALLETS_PER_CUSTOMER * TRANSACTIONS_PER_WALLET} transactions at Rehook, page size ${pageSize}, ${concurrency} requests in flight`,
      );
      await seedMirror(prisma, customers);
      const baseUrl = `http://127.0.0.1:${fake.port}`;
      const api = new RehookApiClient({ baseUrl, apiKey: KEY, apiSecret: SECRET, concurrency });
      const dbName = new URL(database.url).pathname.slice(1);

      const measure = async (
        label: string,
        work: () => Promise<{ records: number; run?: ReconcileRunResult }>,
      ) => {
        const pgBefore = await postgresCpu(ADMIN_URL, dbName);
        const fakeBefore = fake.cpuSeconds();
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        const { records, run } = await work();
        const seconds = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const pgSeconds = postgresCpuSpent(pgBefore, await postgresCpu(ADMIN_URL, dbName));
        const pass: Pass = {
          label,
          seconds,
          records,
          customersPerSecond: customers / seconds,
          ownCpuMsPerCustomer: (cpu.user + cpu.system) / 1000 / customers,
          postgresCpuMsPerCustomer: (pgSeconds * 1000) / customers,
          fakeCpuMsPerCustomer: ((fake.cpuSeconds() - fakeBefore) * 1000) / customers,
          ...(run ? { run } : {}),
        };
        console.log(
          `${label.padEnd(34)} ${seconds.toFixed(1).padStart(7)} s  ${pass.customersPerSecond.toFixed(1).padStart(7)} customers/s  ` +
            `CPU/customer: own ${pass.ownCpuMsPerCustomer.toFixed(2)} ms, postgres ${pass.postgresCpuMsPerCustomer.toFixed(2)} ms, fake ${pass.fakeCpuMsPerCustomer.toFixed(2)} ms  ` +
            `records ${records}` +
            (run ? `  [${run.status}, appended ${run.eventsAppended}, drift ${run.driftItems}]` : ''),
        );
        return pass;
      };
      const bare = () => barePaging(baseUrl, customers, concurrency).then((records) => ({ records }));
      const reconcile = () =>
        runReconcile({ prisma, databaseUrl: database.url, api }, { trigger: 'bench' }).then((run) => ({
          records: run.recordsRead,
          run,
        }));

      // Warm-up (not timed): the fake's and the clients' code paths compiled, connections open.
      await barePaging(baseUrl, Math.min(200, customers), concurrency);
      const base1 = await measure('baseline: bare paging', bare);
      const run1 = await measure('reconcile run 1 (repairs 1/customer)', reconcile);
      const base2 = await measure('baseline: bare paging', bare);
      const run2 = await measure('reconcile run 2 (unchanged)', reconcile);

      for (const pass of [run1, run2]) {
        if (pass.run?.status !== 'succeeded')
          throw new Error(`${pass.label}: ${pass.run?.status} ${pass.run?.error}`);
        if (pass.records !== base1.records)
          throw new Error(`${pass.label} read ${pass.records} records, the bare client ${base1.records}`);
      }
      if (run1.run?.eventsAppended !== customers || run2.run?.eventsAppended !== 0)
        throw new Error('run 1 must repair one transaction per customer, and run 2 nothing');
      const baseline = (base1.customersPerSecond + base2.customersPerSecond) / 2;
      console.log(
        `reconcile / baseline (customers/s): run 1 ${(run1.customersPerSecond / baseline).toFixed(2)}, ` +
          `run 2 ${(run2.customersPerSecond / baseline).toFixed(2)} (baseline: mean of its two passes, ${baseline.toFixed(1)} customers/s)`,
      );
    } finally {
      await fake.stop();
      await prisma.$disconnect();
      await database.drop();
    }
  },
};
