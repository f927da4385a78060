import { createPrisma, DB_TIMEOUTS, type PrismaClient } from '@mirror/db';
import { LOCK_EXCLUSIVE_SQL } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { Deliverer } from '../../../test/support/deliver';
import { webhookReward } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../test/support/test-api';
import { holdInTransaction } from '../../../test/support/hold-in-transaction';

let db: TestDatabase;
let apiPrisma: PrismaClient;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  await new Deliverer(db.prisma).deliver([
    webhookReward({ sourceId: 'KMN@123', redemptionId: 'redm_1', points: 5 }),
  ]);
  // The API's own connections, with the timeouts server.ts gives them.
  apiPrisma = createPrisma(db.url, { max: 4, role: 'api' });
  api = await startTestApi(apiPrisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await apiPrisma?.$disconnect();
  await db?.drop();
});

const auth = { authorization: `Bearer ${TEST_TOKEN}` };

describe('the API under a long database lock', () => {
  it('answers a write that waits for a rebuild with a 503 problem after its lock timeout, and keeps answering reads', async () => {
    // What a rebuild holds for its whole length: the projection lock, exclusively.
    const rebuild = await holdInTransaction(db.prisma, LOCK_EXCLUSIVE_SQL);
    try {
      const started = performance.now();
      const fulfil = await api.fetch('/v1/rewards/redm_1/fulfil', { method: 'POST', headers: auth });
      const elapsed = performance.now() - started;

      expect(fulfil.status).toBe(503);
      expect(fulfil.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(fulfil.headers.get('retry-after')).toBe('5');
      const problem = (await fulfil.json()) as { status: number; detail: string };
      expect(problem.status).toBe(503);
      expect(problem.detail).toMatch(/lock/);
      // The lock timeout, not the rebuild's length; slack for a loaded machine.
      expect(elapsed).toBeGreaterThanOrEqual(DB_TIMEOUTS.api.lockMs - 100);
      expect(elapsed).toBeLessThan(DB_TIMEOUTS.api.statementMs);

      const customer = await api.fetch('/v1/customers/KMN%40123', { headers: auth });
      expect(customer.status).toBe(200);
    } finally {
      await rebuild.release();
    }

    const after = await api.fetch('/v1/rewards/redm_1/fulfil', { method: 'POST', headers: auth });
    expect(after.status).toBe(200);
  });
});
