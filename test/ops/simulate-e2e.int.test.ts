// The simulator against the whole system: ingest, worker and API started with their root
// scripts (as docker-compose.yml starts them), the simulator sending through basic auth and a
// required header, and every customer document the API serves compared with what the
// simulator says it sent.
import { randomBytes } from 'node:crypto';
import { createRedisConnection, createWebhookQueue, removeKeysByPrefix } from '@mirror/queue';
import type { Redis } from '@mirror/queue';
import type { ExpectedSummary } from '../../apps/cli/src/simulator/expected';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { asExpected, type CustomerDocument } from './support/customer-document';
import { runMirror } from './support/processes';
import { startAppStack, type AppStack } from '../support/app-stack';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const API_TOKEN = `ops-e2e-${randomBytes(12).toString('hex')}`;

async function waitForEmptyQueue(redis: Redis, prefix: string, timeoutMs: number): Promise<void> {
  const { queue } = createWebhookQueue(redis, { prefix });
  try {
    // Stops at the first failed job too, so that a failure shows at once rather than as a timeout.
    const counts = await waitFor(
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
        return ((counts['failed'] ?? 0) > 0 || Object.values(counts).every((n) => n === 0)) && counts;
      },
      { what: 'the queue to drain', timeoutMs, intervalMs: 250 },
    );
    if ((counts['failed'] ?? 0) > 0) throw new Error(`${counts['failed']} jobs failed in the worker`);
  } finally {
    await queue.close();
  }
}

describe('the traffic simulator against a running ingest, worker and API', () => {
  let db: TestDatabase;
  let redis: Redis;
  let stack: AppStack | undefined;
  let env: Record<string, string>;
  let ingestUrl: string;
  let apiUrl: string;
  const prefix = `ops-e2e-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
    stack = await startAppStack({
      DATABASE_URL: db.url,
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      API_TOKEN,
      // Rehook's optional basic auth and custom headers; the simulator defaults to the same variables.
      WEBHOOK_BASIC_AUTH: 'rehook:s3cret:with-colon',
      WEBHOOK_REQUIRED_HEADERS: 'X-Shop-Key=shop-123',
      // Info, so that the shutdown test can read each app's "shut down".
      LOG_LEVEL: 'info',
      // Short, so that the simulator (which reads the same variable) sends genuine repeats (an
      // identical second order, a segment entered again), each held until the window has passed.
      WEBHOOK_DEDUPE_WINDOW_SECONDS: '5',
    });
    ({ env, ingestUrl, apiUrl } = stack);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await db?.drop();
    await removeKeysByPrefix(redis, prefix);
    await redis?.quit();
  }, 60_000);

  it('refuses to send without the credentials the ingest expects, and says which flags to use', async () => {
    const result = await runMirror(
      [
        'simulate',
        '--url',
        `${ingestUrl}/webhooks/rehook`,
        '--rate',
        '5',
        '--duration',
        '1',
        '--basic-auth',
        'rehook:wrong',
      ],
      env,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/answered 401.*--basic-auth/s);
  }, 60_000);

  it('ends with read models equal to what it says it sent, customer by customer', async () => {
    const result = await runMirror(
      [
        'simulate',
        '--url',
        `${ingestUrl}/webhooks/rehook`,
        '--rate',
        '80',
        '--duration',
        '6',
        '--customers',
        '15',
        '--seed',
        '5',
        '--json',
      ],
      env,
    );
    expect(result.stderr).not.toMatch(/failed #/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      started: number;
      acknowledged: number;
      failed: number;
      expected: ExpectedSummary;
    };
    expect(report.failed).toBe(0);
    expect(report.acknowledged).toBe(report.started);
    expect(report.started).toBeGreaterThan(300);
    expect(report.expected.redeliveries).toBeGreaterThan(0);
    expect(report.expected.genuineRepeats).toBeGreaterThan(0);
    expect(report.expected.customers).toHaveLength(15);
    // Every Rehook event type went out.
    expect(Object.keys(report.expected.eventsByName)).toHaveLength(18);

    await waitForEmptyQueue(redis, prefix, 180_000);

    const headers = { authorization: `Bearer ${API_TOKEN}` };
    for (const customer of report.expected.customers) {
      const response = await fetch(`${apiUrl}/v1/customers/${encodeURIComponent(customer.sourceId)}`, {
        headers,
      });
      expect({ sourceId: customer.sourceId, status: response.status }).toEqual({
        sourceId: customer.sourceId,
        status: 200,
      });
      expect(asExpected((await response.json()) as CustomerDocument)).toEqual(customer);
    }
    expect(await db.prisma.event.count()).toBe(report.expected.distinctEvents);
  }, 300_000);

  it('stops every app gracefully when pnpm gets SIGTERM, as `docker stop` sends it', async () => {
    for (const app of stack?.apps ?? []) {
      const { killed } = await app.stop();
      expect({ app: app.name, killed, shutDown: /"msg":"shut down"/.test(app.output()) }).toEqual({
        app: app.name,
        killed: false,
        shutDown: true,
      });
    }
  }, 60_000);
});
