import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { ReconcileRunDetail, ReconcileRunPage } from '../schemas/reconcile';
import type { Stats } from '../schemas/stats';
import { Deliverer } from '../../../../test/support/deliver';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { waitFor } from '../../../../test/support/wait-for';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const PREFIX = queuePrefixFor(__filename);
const ids = [
  '00000000-0000-4000-8000-00000000000a',
  '00000000-0000-4000-8000-00000000000b',
  '00000000-0000-4000-8000-00000000000c',
];
const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 6, minute));

beforeAll(async () => {
  db = await createTestDatabase();
  await new Deliverer(db.prisma).deliver([
    { event_name: 'customer.created', source: 'rehook', source_id: 'c1', metadata: { CustomerID: 'cust_1' } },
  ]);
  // Oldest succeeded, then a partial one, and the newest is still running.
  await db.prisma.reconcileRun.createMany({
    data: [
      {
        id: ids[0]!,
        trigger: 'schedule',
        dryRun: false,
        startedAt: at(0),
        finishedAt: at(1),
        status: 'succeeded',
        customersChecked: 5,
        recordsRead: 40,
        eventsAppended: 3,
      },
      {
        id: ids[1]!,
        trigger: 'cli',
        dryRun: false,
        startedAt: at(10),
        finishedAt: at(11),
        status: 'partial',
        customersChecked: 4,
        customersFailed: 1,
        driftItems: 3,
        error: '1 customer(s) could not be read',
      },
      { id: ids[2]!, trigger: 'schedule', dryRun: false, startedAt: at(20), status: 'running' },
    ],
  });
  await db.prisma.reconcileDrift.createMany({
    data: [
      {
        runId: ids[1]!,
        sourceId: 'c1',
        kind: 'points_differ',
        transactionId: 't1',
        direction: 'credit',
        mirrorPoints: 12,
        rehookPoints: 10,
      },
      {
        runId: ids[1]!,
        sourceId: 'c1',
        kind: 'missing_in_rehook',
        transactionId: 't2',
        direction: 'debit',
        mirrorPoints: 3,
      },
      { runId: ids[1]!, sourceId: 'c2', kind: 'referral_missing_in_mirror', detail: 'cust_9 (friend)' },
    ],
  });
  api = await startTestApi(db.prisma, { queuePrefix: PREFIX });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/reconcile/runs', () => {
  it('lists runs newest first, a page at a time', async () => {
    const first = await api.call<ReconcileRunPage>('listReconcileRuns', { query: { limit: 2 } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r) => [r.id, r.status])).toEqual([
      [ids[2], 'running'],
      [ids[1], 'partial'],
    ]);
    expect(first.body.items[1]).toMatchObject({
      customersChecked: 4,
      customersFailed: 1,
      driftItems: 3,
      finishedAt: at(11).toISOString(),
    });
    const second = await api.call<ReconcileRunPage>('listReconcileRuns', {
      query: { limit: 2, cursor: first.body.nextCursor! },
    });
    expect(second.body.items.map((r) => r.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('shows one run with its drift items, paged', async () => {
    const res = await api.call<ReconcileRunDetail>('getReconcileRun', {
      params: { id: ids[1]! },
      query: { limit: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.body.run.error).toBe('1 customer(s) could not be read');
    expect(res.body.run.note).toBeNull();
    expect(res.body.drift.items).toEqual([
      {
        sourceId: 'c1',
        kind: 'points_differ',
        transactionId: 't1',
        direction: 'credit',
        mirrorPoints: 12,
        rehookPoints: 10,
        detail: null,
      },
      {
        sourceId: 'c1',
        kind: 'missing_in_rehook',
        transactionId: 't2',
        direction: 'debit',
        mirrorPoints: 3,
        rehookPoints: null,
        detail: null,
      },
    ]);
    const rest = await api.call<ReconcileRunDetail>('getReconcileRun', {
      params: { id: ids[1]! },
      query: { limit: 2, cursor: res.body.drift.nextCursor! },
    });
    expect(rest.body.drift.items.map((d) => d.kind)).toEqual(['referral_missing_in_mirror']);
    expect(rest.body.drift.nextCursor).toBeNull();
  });

  it('answers 404 for an unknown run, 400 for an id that is not a UUID, 401 without the token', async () => {
    expect(
      (await api.call('getReconcileRun', { params: { id: '00000000-0000-4000-8000-0000000000ff' } })).status,
    ).toBe(404);
    expect((await api.callPath('getReconcileRun', '/v1/reconcile/runs/latest')).status).toBe(400);
    expect((await api.call('listReconcileRuns', { token: null })).status).toBe(401);
  });
});

describe('freshness', () => {
  it('is in /v1/stats: last webhook per event name, last reconcile run and last success', async () => {
    const res = await api.call<Stats>('getStats');
    const { webhooks, reconcile } = res.body.freshness;
    expect(webhooks.find((w) => w.name === 'customer.created')?.lastReceivedAt).toEqual(expect.any(String));
    expect(webhooks.find((w) => w.name === 'wallet.credited')).toEqual({
      name: 'wallet.credited',
      lastReceivedAt: null,
      ageMs: null,
    });
    expect(reconcile.lastRun).toMatchObject({
      id: ids[2],
      status: 'running',
      finishedAt: null,
      customersChecked: 0,
      note: null,
    });
    expect(reconcile.lastSucceededAt).toBe(at(1).toISOString());
  });

  it('is in /metrics', async () => {
    const text = await (
      await api.fetch('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
    ).text();
    expect(text).toMatch(/^mirror_webhook_last_received_timestamp_seconds\{event="customer.created"\} \d+/m);
    expect(text).not.toMatch(/mirror_webhook_last_received_timestamp_seconds\{event="wallet.credited"\}/);
    expect(text).toContain(`mirror_reconcile_last_success_timestamp_seconds ${at(1).getTime() / 1000}`);
    expect(text).toContain('mirror_reconcile_last_run_status{status="running"} 1');
    expect(text).toContain('mirror_reconcile_last_run_status{status="succeeded"} 0');
    expect(text).toContain('mirror_reconcile_drift_items 0');
  });

  it('does not count a run over an empty mirror as a success: it checked no customer, and says so', async () => {
    // The last test of the file: it adds the newest run to the file's store.
    const EMPTY_MIRROR_NOTE = 'the mirror knows no customer yet';
    await db.prisma.reconcileRun.create({
      data: {
        id: '00000000-0000-4000-8000-00000000000d',
        trigger: 'schedule',
        dryRun: false,
        startedAt: at(30),
        finishedAt: at(31),
        status: 'succeeded',
        customersChecked: 0,
        note: EMPTY_MIRROR_NOTE,
      },
    });
    const { reconcile } = (await api.call<Stats>('getStats')).body.freshness;
    expect(reconcile.lastRun).toMatchObject({
      status: 'succeeded',
      customersChecked: 0,
      note: EMPTY_MIRROR_NOTE,
    });
    expect(reconcile.lastSucceededAt).toBe(at(1).toISOString());
    // A scrape reuses the previous one's read for a second: wait for one that sees the new run.
    const text = await waitFor(
      async () => {
        const scraped = await (
          await api.fetch('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
        ).text();
        return scraped.includes('mirror_reconcile_last_run_status{status="succeeded"} 1') && scraped;
      },
      { what: 'a scrape that sees the empty run' },
    );
    expect(text).toContain(`mirror_reconcile_last_success_timestamp_seconds ${at(1).getTime() / 1000}`);
    expect(text).toContain('mirror_reconcile_last_run_customers_checked 0');
  });
});
