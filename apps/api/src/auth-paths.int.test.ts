import { request } from 'node:http';
import { createLogger } from '@mirror/logger';
import { recordEvents } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deliveryOf } from '../../../test/support/deliveries';
import { startApi, type RunningApi } from './server';
import { queuePrefixFor } from '../../../test/support/scenario';
import { TEST_REDIS_URL, TEST_TOKEN } from '../../../test/support/test-api';

const MARKER = 'secret-customer-7d1e';
let db: TestDatabase;
const logs: string[] = [];
const apis: RunningApi[] = [];

async function start(rateLimit: number): Promise<RunningApi> {
  const api = await startApi({
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefixFor(__filename),
      API_PORT: 0,
      API_TOKEN: TEST_TOKEN,
      API_RATE_LIMIT_PER_MINUTE: rateLimit,
    },
    logger: createLogger('api-test', 'info', { write: (line: string) => void logs.push(line) }),
    host: '127.0.0.1',
    defaultMetrics: false,
  });
  apis.push(api);
  return api;
}

beforeAll(async () => {
  db = await createTestDatabase();
  const body = {
    event_name: 'signup',
    source_id: 'x',
    metadata: { CustomerID: 'cust_1', email: `${MARKER}@example.com` },
  };
  await recordEvents(db.prisma, [deliveryOf(JSON.stringify(body), 1)]);
});

afterAll(async () => {
  for (const api of apis) await api.shutdown('test finished');
  await db.drop();
});

/** GETs a raw request target (no client-side normalisation), with optional headers. */
function getRaw(api: RunningApi, target: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(api.url);
  return new Promise<{ status: number; text: string; headers: Record<string, unknown> }>(
    (resolve, reject) => {
      request({ host: hostname, port, path: target, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      })
        .on('error', reject)
        .end();
    },
  );
}

const TRICKS = [
  '/v1/customers/x',
  '/V1/customers/x',
  '/v1/Customers/x',
  '/v1/customers/x/',
  '/v1//customers/x',
  '//v1/customers/x',
  '/v1/customers%2Fx',
  '/v1/./customers/x',
  '/v1/x/../customers/x',
  '/v1/customers/x?token=' + TEST_TOKEN.slice(0, 4),
  '/v1/events',
  '/v1/stats/',
  '/admin/queues',
  '/ADMIN/queues',
  '/admin/queues/',
  '/admin//queues',
  '/admin%2Fqueues',
  '/admin/queues/api/queues',
  '/metrics',
  '/openapi.json/',
];

const WRONG_CREDENTIALS: Record<string, string>[] = [
  {},
  { authorization: 'Bearer wrong-token-0123456789' },
  { authorization: 'Basic Og==' },
];

describe('the API against path tricks, a rate limit and its logs', () => {
  it('serves no customer data and no dashboard without the token, however the path is spelled', async () => {
    const api = await start(10_000);
    const leaked: string[] = [];
    for (const target of TRICKS) {
      for (const headers of WRONG_CREDENTIALS) {
        const answer = await getRaw(api, target, headers);
        if (answer.status < 400 || answer.text.includes(MARKER)) leaked.push(`${target}: ${answer.status}`);
      }
    }
    expect(leaked).toEqual([]);
    const allowed = await getRaw(api, '/v1/customers/x', { authorization: `Bearer ${TEST_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(allowed.text).toContain(MARKER);
  });

  it('answers 429 with Retry-After and problem+json beyond API_RATE_LIMIT_PER_MINUTE, but never to health probes', async () => {
    const api = await start(5);
    const token = { authorization: `Bearer ${TEST_TOKEN}` };
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await getRaw(api, '/v1/customers/x', token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const refused = await getRaw(api, '/v1/customers/x', token);
    expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.text)).toMatchObject({ status: 429 });
    expect((await getRaw(api, '/healthz')).status).toBe(200);
  });

  it('logs neither the token nor customer data at info level', () => {
    const output = logs.join('');
    expect(output.length).toBeGreaterThan(0);
    expect(output).not.toContain(TEST_TOKEN);
    expect(output).not.toContain(MARKER);
  });
});
