import { RehookApiClient } from '@mirror/rehook-api';
import { type FakeRehook, type FakeRehookOptions, startFakeRehook } from '@mirror/rehook-api/testing';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { REFERRAL_NOT_REPAIRED } from './compare';
import { acquireRunLock, ReconcileBusyError } from './run-lock';
import { EMPTY_MIRROR_NOTE, type ReconcileOptions, runReconcile } from './run-reconcile';
import { deliverCustomerCreated, deliverWalletWebhook, ledgerOf } from './testing';

let db: TestDatabase;
let fake: FakeRehook;

beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await fake?.close();
  await db.drop();
});

async function startFake(options: FakeRehookOptions = {}) {
  fake = await startFakeRehook({ pageSize: 3, ...options });
  return fake;
}

function reconcile(options: ReconcileOptions = {}, client: { apiSecret?: string } = {}) {
  const api = new RehookApiClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    apiSecret: client.apiSecret ?? fake.apiSecret,
    backoffMs: 5,
    maxAttempts: 3,
  });
  return runReconcile({ prisma: db.prisma, databaseUrl: db.url, api }, options);
}

const fakeLedger = (sourceId: string) =>
  (fake.customers.get(sourceId)?.wallets ?? [])
    .flatMap((w) => w.transactions.map((t) => `${t.type}:${t.transaction_id}:${t.points}`))
    .sort();

async function history() {
  await startFake();
  for (const sourceId of ['KMN@123', 'c2']) {
    const customer = fake.customer(sourceId, `cust_${sourceId}`);
    await deliverCustomerCreated(db.prisma, sourceId, customer.id);
    for (const walletId of ['waty_a', 'waty_b', 'waty_c']) {
      const wallet = fake.wallet(sourceId, `${walletId}_${sourceId}`);
      for (let i = 0; i < 4; i += 1) {
        wallet.transactions.push({
          transaction_id: `trhi_${sourceId}_${walletId}_${i}`,
          type: i === 3 ? 'debit' : 'credit',
          points: 5 + i,
          description: 'Wallet points',
        });
      }
    }
  }
  // The webhooks of every other transaction were delivered; the rest never arrived.
  const lost: string[] = [];
  for (const [sourceId, customer] of fake.customers) {
    let n = 0;
    for (const tx of customer.wallets.flatMap((w) => w.transactions)) {
      if (n++ % 2 === 0) await deliverWalletWebhook(db.prisma, sourceId, tx);
      else lost.push(tx.transaction_id);
    }
  }
  return lost;
}

describe('runReconcile against the fake Rehook', () => {
  it('appends what the webhooks never brought, as reconcile events projected like webhooks, once', async () => {
    const lost = await history();
    const run = await reconcile();
    expect(run).toMatchObject({
      status: 'succeeded',
      customersChecked: 2,
      eventsAppended: lost.length,
      driftItems: 0,
    });
    expect(run.recordsRead).toBe(2 * 3 + 24);
    for (const sourceId of fake.customers.keys())
      expect(await ledgerOf(db.prisma, sourceId)).toEqual(fakeLedger(sourceId));

    const repairs = await db.prisma.event.findMany({ where: { origin: 'reconcile' } });
    expect(repairs).toHaveLength(lost.length);
    for (const event of repairs) {
      expect(event.status).toBe('projected');
      const body = JSON.parse(event.rawBody) as {
        reconcile: { run_id: string; record: { transaction_id: string } };
      };
      expect(body.reconcile.run_id).toBe(run.id);
      expect(lost).toContain(body.reconcile.record.transaction_id);
    }

    // A second run over unchanged data appends nothing.
    const again = await reconcile();
    expect(again).toMatchObject({ status: 'succeeded', eventsAppended: 0, driftItems: 0 });

    // A webhook that arrives late for a repaired transaction is a redelivery, not a second credit.
    const [sourceId, customer] = [...fake.customers][0]!;
    const repaired = customer.wallets
      .flatMap((w) => w.transactions)
      .find((t) => lost.includes(t.transaction_id))!;
    const late = await deliverWalletWebhook(db.prisma, sourceId, repaired);
    expect(late?.outcome).toBe('duplicate');
    expect(await ledgerOf(db.prisma, sourceId)).toEqual(fakeLedger(sourceId));
  });

  it('reports what it cannot repair as drift, and overwrites nothing', async () => {
    await startFake();
    fake.customer('c1', 'cust_c1');
    await deliverCustomerCreated(db.prisma, 'c1', 'cust_c1');
    const wallet = fake.wallet('c1', 'waty_1');
    wallet.transactions.push({ transaction_id: 'trhi_same', type: 'credit', points: 10 });
    await deliverWalletWebhook(db.prisma, 'c1', { transaction_id: 'trhi_same', type: 'credit', points: 12 });
    await deliverWalletWebhook(db.prisma, 'c1', { transaction_id: 'trhi_ghost', type: 'debit', points: 3 });
    const before = await ledgerOf(db.prisma, 'c1');

    const run = await reconcile();
    expect(run).toMatchObject({ status: 'succeeded', eventsAppended: 0, driftItems: 2 });
    const drift = await db.prisma.reconcileDrift.findMany({
      where: { runId: run.id },
      orderBy: { kind: 'asc' },
    });
    expect(
      drift.map((d) => [
        d.kind,
        d.transactionId,
        d.mirrorPoints?.toNumber(),
        d.rehookPoints?.toNumber() ?? null,
      ]),
    ).toEqual([
      ['missing_in_rehook', 'trhi_ghost', 3, null],
      ['points_differ', 'trhi_same', 12, 10],
    ]);
    expect(await ledgerOf(db.prisma, 'c1')).toEqual(before);
  });

  it('compares referral lists, taking 404 for none', async () => {
    await startFake({ paths: 'api' });
    fake.customer('adv', 'cust_adv').referrals.push({ id: 'cust_friend', source_id: 'friend' });
    fake.customer('loner', 'cust_loner');
    await deliverCustomerCreated(db.prisma, 'adv', 'cust_adv');
    await deliverCustomerCreated(db.prisma, 'loner', 'cust_loner');
    const run = await reconcile();
    expect(run).toMatchObject({ status: 'succeeded', driftItems: 1 });
    const [item] = await db.prisma.reconcileDrift.findMany({ where: { runId: run.id } });
    expect(item).toMatchObject({
      sourceId: 'adv',
      kind: 'referral_missing_in_mirror',
      detail: `cust_friend (friend)${REFERRAL_NOT_REPAIRED}`,
    });
  });

  it('in a dry run appends nothing and lists what it would append', async () => {
    const lost = await history();
    const run = await reconcile({ dryRun: true, customers: ['c2'] });
    expect(run).toMatchObject({ status: 'succeeded', dryRun: true, customersChecked: 1, eventsAppended: 0 });
    expect(run.driftItems).toBe(lost.filter((id) => id.startsWith('trhi_c2')).length);
    expect(await db.prisma.event.count({ where: { origin: 'reconcile' } })).toBe(0);
    const kinds = await db.prisma.reconcileDrift.groupBy({
      by: ['kind'],
      where: { runId: run.id },
      _count: true,
    });
    expect(kinds).toEqual([{ kind: 'missing_in_mirror', _count: run.driftItems }]);
  });

  it('records a run that fails partway as partial, and its rerun repairs nothing twice', async () => {
    const lost = await history();
    fake.faults.push({ route: 'transactions', sourceId: 'c2', page: 2, status: 500, times: 1000 });
    const first = await reconcile();
    expect(first).toMatchObject({ status: 'partial', customersChecked: 1, customersFailed: 1 });
    expect(first.error).toMatch(
      /^1 customer\(s\) could not be read.*c2: Rehook request failed after 3 attempts \(HTTP 500\)/,
    );
    expect(first.eventsAppended).toBe(lost.filter((id) => id.startsWith('trhi_KMN')).length);

    fake.faults.length = 0;
    const second = await reconcile();
    expect(second).toMatchObject({ status: 'succeeded', eventsAppended: lost.length - first.eventsAppended });
    expect(await db.prisma.event.count({ where: { origin: 'reconcile' } })).toBe(lost.length);
    const stored = await db.prisma.reconcileRun.findUnique({ where: { id: first.id } });
    expect(stored).toMatchObject({ status: 'partial', customersFailed: 1 });
    expect(stored?.finishedAt).not.toBeNull();
  });

  it('fails a run whose credentials are refused, or whose every customer answers in the wrong shape', async () => {
    await history();
    const refused = await reconcile({}, { apiSecret: 'wrong' });
    expect(refused).toMatchObject({ status: 'failed', eventsAppended: 0 });
    expect(refused.error).toMatch(/refused the API credentials \(HTTP 401\)/);

    fake.faults.push({ route: 'wallets', body: { unexpected: true }, times: 2 });
    const odd = await reconcile();
    expect(odd).toMatchObject({
      status: 'failed',
      customersChecked: 0,
      customersFailed: 2,
      eventsAppended: 0,
    });
    expect(odd.error).toMatch(/unexpected response for wallets/);
    expect(await db.prisma.event.count({ where: { origin: 'reconcile' } })).toBe(0);
  });

  it('runs one at a time, and a run killed midway leaves the next able to start', async () => {
    await history();
    const release = await acquireRunLock(db.url);
    await expect(reconcile()).rejects.toThrow(ReconcileBusyError);
    // The killed process's row stays `running`; its lock went with its connection.
    await db.prisma.reconcileRun.create({
      data: {
        id: '00000000-0000-4000-8000-000000000001',
        trigger: 'schedule',
        dryRun: false,
        startedAt: new Date(),
        status: 'running',
      },
    });
    await release();
    const run = await reconcile();
    expect(run.status).toBe('succeeded');
    const killed = await db.prisma.reconcileRun.findUnique({
      where: { id: '00000000-0000-4000-8000-000000000001' },
    });
    expect(killed).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/interrupted/) as unknown,
    });
  });

  it('says so when it succeeds over an empty mirror, and a mirror with customers never succeeds checking none', async () => {
    await startFake();
    fake.customer('known-to-rehook-only', 'cust_x');
    const empty = await reconcile();
    expect(empty).toMatchObject({
      status: 'succeeded',
      customersChecked: 0,
      recordsRead: 0,
      note: EMPTY_MIRROR_NOTE,
    });
    const stored = await db.prisma.reconcileRun.findUnique({ where: { id: empty.id } });
    expect(stored?.note).toBe(EMPTY_MIRROR_NOTE);

    await deliverCustomerCreated(db.prisma, 'c1', 'cust_c1');
    fake.faults.push({ route: 'wallets', status: 503, times: 1000 });
    const unread = await reconcile();
    expect(unread).toMatchObject({ status: 'failed', customersChecked: 0, customersFailed: 1, note: null });

    fake.faults.length = 0;
    const checked = await reconcile();
    // Known to the mirror, unknown to Rehook: drift, and no note.
    expect(checked).toMatchObject({ status: 'succeeded', customersChecked: 1, driftItems: 1, note: null });
  });

  it('stops early when its signal fires, finishing the customers in flight and recording the run failed', async () => {
    await history();
    const controller = new AbortController();
    // Every wallet list answers slowly, so the abort lands while the first customer is in flight.
    fake.faults.push({ route: 'wallets', delayMs: 300, times: 1000 });
    const running = reconcile({ signal: controller.signal, parallelCustomers: 1 });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (fake.requests.length > 0 || fake.maxInFlight() > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    controller.abort();
    const run = await running;
    expect(run).toMatchObject({ status: 'failed', customersChecked: 1 });
    expect(run.error).toMatch(/stopped before it finished .*1 of 2 customer\(s\) done/);
  });
});
