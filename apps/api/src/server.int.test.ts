import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { createLogger } from '@mirror/logger';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { startApi, type RunningApi } from './server';
import { queuePrefixFor } from '../../../test/support/scenario';
import { TEST_REDIS_URL, TEST_TOKEN } from '../../../test/support/test-api';
import { waitFor } from '../../../test/support/wait-for';

const ROOT = path.resolve(__dirname, '../../..');

/** Runs main.ts with exactly this environment (plus PATH), and returns how it ended. */
function runMain(env: Record<string, string>) {
  return spawnSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['apps/api/src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('main.ts', () => {
  it('refuses to start without API_TOKEN, naming it', () => {
    const run = runMain({ API_PORT: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('API_TOKEN: is required');
  });

  it('refuses a token that is too short to be a secret', () => {
    const run = runMain({ API_PORT: '0', API_TOKEN: 'short' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('API_TOKEN: must be at least 16 characters');
  });
});

describe('startApi', () => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi({
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: queuePrefixFor(__filename),
        API_PORT: 0,
        API_TOKEN: TEST_TOKEN,
      },
      logger: createLogger('api-test', 'silent'),
      host: '127.0.0.1',
      defaultMetrics: false,
    });
  });

  afterAll(async () => {
    await api?.shutdown('test over');
    await db?.drop();
  });

  it('finishes a request in flight, refuses new connections, then closes', async () => {
    const headers = { authorization: `Bearer ${TEST_TOKEN}` };
    expect((await fetch(`${api.url}/v1/segments`, { headers })).status).toBe(200);

    // Given a request held in flight by a lock on the table it reads,
    const locker = new Client({ connectionString: db.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE segments IN ACCESS EXCLUSIVE MODE');
    const inFlight = fetch(`${api.url}/v1/segments`, { headers });
    await waitFor(
      async () => {
        const [row] = await db.prisma.$queryRaw<{ waiting: bigint }[]>`
          SELECT count(*) AS waiting FROM pg_locks WHERE NOT granted AND relation = 'segments'::regclass`;
        return row !== undefined && row.waiting > 0n;
      },
      { what: 'the request to wait on the lock' },
    );

    // when the API shuts down,
    const shutdown = api.shutdown('SIGTERM');
    // then it soon accepts no new connection,
    await waitFor(
      () =>
        fetch(`${api.url}/healthz`, { headers: { connection: 'close' } }).then(
          () => false,
          () => true,
        ),
      { what: 'the API to refuse new connections' },
    );
    // and the request in flight still gets its answer once it can finish.
    await locker.query('COMMIT');
    await locker.end();
    expect((await inFlight).status).toBe(200);
    await shutdown;
  });
});
