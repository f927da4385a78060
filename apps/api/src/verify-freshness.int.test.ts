import { runVerify } from '@mirror/verify';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import type { Stats } from './schemas/stats';
import { Deliverer } from '../../../test/support/deliver';
import { queuePrefixFor } from '../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const PREFIX = queuePrefixFor(__filename);

beforeAll(async () => {
  db = await createTestDatabase();
  await new Deliverer(db.prisma).deliver([
    { event_name: 'customer.created', source: 'rehook', source_id: 'c1', metadata: { CustomerID: 'cust_1' } },
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: PREFIX });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const metrics = async () =>
  (await api.fetch('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();

describe('the last verify run', () => {
  it('is absent from /v1/stats and zero in /metrics before any run', async () => {
    const stats = await api.call<Stats>('getStats');
    expect(stats.body.freshness.verify).toEqual({ lastRun: null, lastPassedAt: null });
    const text = await metrics();
    expect(text).toContain('mirror_verify_last_run_timestamp_seconds 0');
    expect(text).toContain('mirror_verify_differences 0');
  });

  it('is in /v1/stats and /metrics: a run that passed, then one that found a difference', async () => {
    const passed = await runVerify({ prisma: db.prisma, all: true });
    expect(passed.status).toBe('passed');
    await db.prisma.$executeRawUnsafe(`UPDATE customers SET event_count = 7 WHERE source_id = 'c1'`);
    const found = await runVerify({ prisma: db.prisma, sample: 5, trigger: 'schedule' });
    expect(found.status).toBe('differences');

    const { verify } = (await api.call<Stats>('getStats')).body.freshness;
    expect(verify.lastRun).toMatchObject({
      id: found.id,
      trigger: 'schedule',
      mode: 'sample',
      status: 'differences',
      customersChecked: 1,
      differences: 1,
      error: null,
    });
    expect(verify.lastPassedAt).toEqual(expect.any(String));
    const last = await db.prisma.verifyRun.findUniqueOrThrow({ where: { id: found.id } });
    const pass = await db.prisma.verifyRun.findUniqueOrThrow({ where: { id: passed.id } });
    expect(verify.lastPassedAt).toBe(pass.finishedAt?.toISOString());

    // The gauges share one read for a second: wait until a scrape reads after the runs.
    const newest = `mirror_verify_last_run_timestamp_seconds ${last.startedAt.getTime() / 1000}`;
    let text = await metrics();
    for (const deadline = Date.now() + 30_000; !text.includes(newest) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      text = await metrics();
    }
    expect(text).toContain(newest);
    expect(text).toContain(
      `mirror_verify_last_pass_timestamp_seconds ${(pass.finishedAt?.getTime() ?? 0) / 1000}`,
    );
    expect(text).toContain('mirror_verify_last_run_status{status="differences"} 1');
    expect(text).toContain('mirror_verify_last_run_status{status="passed"} 0');
    expect(text).toContain('mirror_verify_differences 1');
  });
});
