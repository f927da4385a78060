// The contract gaps an independent OpenAPI tester found (issue 15, part 5): each one checked
// over HTTP against the real app, every answer validated against the served document.
import fc from 'fast-check';
import type { z } from 'zod';
import { createLogger } from '@mirror/logger';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { encodeCursor } from './pagination/cursor';
import { startApi } from './server';
import { queuePrefixFor } from '../../../test/support/scenario';
import { startTestApi, TEST_REDIS_URL, TEST_TOKEN, type TestApi } from '../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Issues = { issues: { path: string }[] };

/** Calls an operation and expects a 400 that names `path` among its issues. */
async function expectBadRequest(
  operationId: string,
  options: Parameters<TestApi['call']>[1],
  path: string,
): Promise<void> {
  const res = await api.call<Issues>(operationId, options);
  expect({ operationId, options, status: res.status }).toEqual({ operationId, options, status: 400 });
  expect(res.body.issues.map((i) => i.path)).toContain(path);
}

/** Strings a generated test throws at parameters, with the edges of each rule. */
const EDGE_VALUES = [
  '',
  '0',
  '1',
  '50',
  '500',
  '501',
  '1440',
  '1441',
  '0x10',
  '1e2',
  '0b11',
  ' 10',
  '10 ',
  '010',
  '+10',
  '-1',
  '10.0',
  'true',
  'false',
  'abc',
  'KMN@123',
  'a\u0000b',
  '\u0000',
  'x'.repeat(1024),
  'x'.repeat(1025),
  'eyJsIjoiY3VzdG9tZXJzIiwiayI6WyJ4Il19',
  'not+base64/=',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:30:00+01:00',
  '0001-01-01T00:30:00-01:00',
  '2026-03-31T23:59:59.999+05:30',
  '2026-02-30T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:00:00-05:00',
  '00000000000000010000000000000002',
  '80000000000000010000000000000002',
  '9223372036854775807',
  '9223372036854775808',
  '0b8f7e3c-5a4d-4e1f-9c2b-7d6e5f4a3b2c',
  'unrecognized',
  'invalid',
];

describe('the OpenAPI document', () => {
  it('states every rule of every parameter: a value passes its documented schema exactly when the API accepts it', () => {
    const random = [
      ...fc.sample(fc.string(), { numRuns: 150, seed: 15 }),
      ...fc.sample(fc.string({ unit: 'binary' }), { numRuns: 150, seed: 16 }),
      ...fc.sample(fc.integer({ min: -5, max: 2000 }).map(String), { numRuns: 100, seed: 17 }),
    ];
    const mismatches: string[] = [];
    for (const { spec } of api.routes) {
      const fields = { ...spec.params.shape, ...spec.query.shape } as Record<string, z.ZodType>;
      for (const [name, field] of Object.entries(fields)) {
        for (const value of [...EDGE_VALUES, ...random]) {
          const api_ = field.safeParse(value).success;
          const doc = api.validator.parameterAccepts(spec.operationId, name, value);
          if (api_ !== doc) {
            mismatches.push(
              `${spec.operationId} ${name}=${JSON.stringify(value)}: api ${api_}, document ${doc}`,
            );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('limit and minutes', () => {
  it('take plain decimal integers in range only', async () => {
    for (const limit of ['0x10', '1e2', '0b11', ' 10', '010', '+10', '10.0', '0', '501', '']) {
      await expectBadRequest('listCustomers', { query: { limit } }, 'query.limit');
    }
    for (const limit of ['1', '500']) {
      expect((await api.call('listCustomers', { query: { limit } })).status).toBe(200);
    }
    for (const minutes of ['0x10', '1e2', '1441', '060']) {
      await expectBadRequest('getEventsPerMinute', { query: { minutes } }, 'query.minutes');
    }
    expect((await api.call('getEventsPerMinute', { query: { minutes: '1440' } })).status).toBe(200);
  });

  it('are refused when repeated', async () => {
    const res = await api.callPath<Issues>('listCustomers', '/v1/customers?limit=1&limit=2');
    expect(res.status).toBe(400);
  });
});

describe('instants', () => {
  const outOfRange = ['0000-01-01T00:00:00Z', '0000-12-31T23:59:59.999Z', '0001-01-01T00:30:00+01:00'];

  it('outside years 0001 to 9999 are a 400 as filters of the feed', async () => {
    for (const value of [...outOfRange, '9999-12-31T23:00:00-05:00']) {
      await expectBadRequest('listEvents', { query: { receivedFrom: value } }, 'query.receivedFrom');
      await expectBadRequest('listEvents', { query: { receivedBefore: value } }, 'query.receivedBefore');
    }
    for (const value of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']) {
      expect((await api.call('listEvents', { query: { receivedFrom: value } })).status).toBe(200);
    }
  });

  it('outside years 0001 to 9999 are a 400 as asOf', async () => {
    for (const operationId of ['getCustomer', 'listWalletTransactions', 'listWalletHistory']) {
      for (const asOf of outOfRange) {
        await expectBadRequest(
          operationId,
          { params: { sourceId: 'KMN@123' }, query: { asOf } },
          'query.asOf',
        );
      }
      // In range: an unknown customer, not a database error.
      const res = await api.call(operationId, {
        params: { sourceId: 'KMN@123' },
        query: { asOf: '0001-01-01T00:00:00Z' },
      });
      expect(res.status).toBe(404);
    }
  });
});

describe('forged cursors', () => {
  /** Cursors of our own format whose keys would reach SQL as values Postgres refuses. */
  const forged: [operationId: string, params: Record<string, string>, list: string, key: unknown[]][] = [
    [
      'listWalletTransactions',
      { sourceId: 'KMN@123' },
      'wallet-transactions',
      ['0000-01-01T00:00:00.000Z', 't', 'credit'],
    ],
    [
      'listWalletTransactions',
      { sourceId: 'KMN@123' },
      'wallet-transactions',
      ['2026-13-01T00:00:00.000Z', 't', 'credit'],
    ],
    ['listWalletHistory', { sourceId: 'KMN@123' }, 'wallet-history', ['abc', 'k', 't', 'credit']],
    [
      'listWalletHistory',
      { sourceId: 'KMN@123' },
      'wallet-history',
      ['9223372036854775808', 'k', 't', 'credit'],
    ],
    ['listCustomerEvents', { sourceId: 'KMN@123' }, 'customer-events', ['-1', 'k']],
    [
      'listReconcileRuns',
      {},
      'reconcile-runs',
      ['0000-06-01T00:00:00.000Z', '0b8f7e3c-5a4d-4e1f-9c2b-7d6e5f4a3b2c'],
    ],
    [
      'getReconcileRun',
      { id: '0b8f7e3c-5a4d-4e1f-9c2b-7d6e5f4a3b2c' },
      'reconcile-drift',
      ['9223372036854775808'],
    ],
    ['getReconcileRun', { id: '0b8f7e3c-5a4d-4e1f-9c2b-7d6e5f4a3b2c' }, 'reconcile-drift', ['12x']],
  ];

  it.each(forged)('%s answers 400 to a forged cursor (case %#)', async (operationId, params, list, key) => {
    await expectBadRequest(
      operationId,
      { params, query: { cursor: encodeCursor(list, key as string[]) } },
      'query.cursor',
    );
  });

  it('never make an answer of 500, whatever their keys', async () => {
    const lists: [operationId: string, params: Record<string, string>, list: string, length: number][] = [
      ['listCustomers', {}, 'customers', 1],
      ['listWalletTransactions', { sourceId: 'KMN@123' }, 'wallet-transactions', 3],
      ['listWalletHistory', { sourceId: 'KMN@123' }, 'wallet-history', 4],
      ['listCustomerEvents', { sourceId: 'KMN@123' }, 'customer-events', 2],
      ['listEvents', {}, 'events', 1],
      ['listSegments', {}, 'segments', 1],
      ['listReferrals', {}, 'referrals', 2],
      ['listReconcileRuns', {}, 'reconcile-runs', 2],
      ['listPendingRewards', {}, 'pending-rewards', 1],
      ['listLeaderboardAwards', { campaignId: 'c' }, 'leaderboard-awards', 3],
      ['listSegmentMembers', { segmentId: 's' }, 'segment-members', 1],
    ];
    const scalar = fc.oneof(
      fc.constantFrom(...EDGE_VALUES),
      fc.string(),
      fc.integer().map(String),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...lists),
        fc.array(scalar, { minLength: 1, maxLength: 4 }),
        async ([operationId, params, list, length], values) => {
          const key = Array.from({ length }, (_, i) => values[i % values.length] ?? '');
          const res = await api.call(operationId, { params, query: { cursor: encodeCursor(list, key) } });
          expect([200, 400, 404]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('rate limiting and other errors', () => {
  it('are documented on every operation: 429 with Retry-After but on the probes, 503 with Retry-After, and a default problem', () => {
    for (const op of api.validator.operations()) {
      const { responses } = op.operation;
      const probe = op.path === '/healthz' || op.path === '/readyz';
      expect({ op: op.operationId, default: responses['default']?.content }).toEqual({
        op: op.operationId,
        default: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      });
      expect({ op: op.operationId, 429: responses['429']?.headers?.['Retry-After']?.required }).toEqual({
        op: op.operationId,
        429: probe ? undefined : true,
      });
      if (!probe) {
        expect({ op: op.operationId, 503: responses['503']?.headers?.['Retry-After']?.required }).toEqual({
          op: op.operationId,
          503: true,
        });
      }
    }
  });

  it('answer 429 as documented, with Retry-After and the charset every other problem names', async () => {
    const limited = await startApi({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: queuePrefixFor(__filename),
        API_PORT: 0,
        API_TOKEN: TEST_TOKEN,
        API_RATE_LIMIT_PER_MINUTE: 1,
      },
      logger: createLogger('api-test', 'silent'),
      host: '127.0.0.1',
      defaultMetrics: false,
    });
    try {
      const headers = { authorization: `Bearer ${TEST_TOKEN}` };
      const notFound = await fetch(`${limited.url}/v1/nothing-here`, { headers });
      expect(notFound.status).toBe(404);
      for (const op of api.validator
        .operations()
        .filter((o) => o.operationId !== 'healthz' && o.operationId !== 'readyz')) {
        const path = op.path.replace(/\{[^}]+\}/g, 'x');
        const res = await fetch(`${limited.url}${path}`, { method: op.method.toUpperCase(), headers });
        expect({ op: op.operationId, status: res.status }).toEqual({ op: op.operationId, status: 429 });
        expect(res.headers.get('content-type')).toBe(notFound.headers.get('content-type'));
        expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        api.validator.check(
          op.operationId,
          429,
          res.headers.get('content-type'),
          await res.json(),
          res.headers,
        );
      }
    } finally {
      await limited.shutdown('test over');
    }
  });
});
