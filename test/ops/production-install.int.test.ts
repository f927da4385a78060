// The runtime image installs production dependencies only (Dockerfile, stage `prod`). This test
// makes the same install from this checkout's files into a temporary folder and runs the whole
// system from it: `pnpm mirror migrate` on an empty database, then ingest, worker and API started
// with their root scripts, a webhook in, its customer out. A runtime import of a development
// dependency would fail here rather than in production.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import { databaseUrl, withAdmin } from '../support/postgres';
import { freePorts, ROOT, startApp, waitForHttp, type AppProcess } from './support/processes';
import { waitFor } from '../support/wait-for';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const FIXTURE = join(ROOT, '../shared/rehook/fixtures/documented/customer.created.json');

describe('a production-only install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirror-prod-'));
  const database = `mirror_test_${process.pid}_prod`;
  const prefix = `test-prod-${randomBytes(6).toString('hex')}`;
  const apps: AppProcess[] = [];

  beforeAll(() => {
    // What the image's build context holds: the sources, without installed or local state.
    // The Prisma client is generated at build time, by the dev tree (prisma is a dev tool).
    cpSync(ROOT, dir, {
      recursive: true,
      filter: (source) => {
        const path = relative(ROOT, source);
        return !/(^|\/)(node_modules|\.git|\.bench|coverage)(\/|$)/.test(path.split(sep).join('/'));
      },
    });
    execFileSync('pnpm', ['install', '--prod', '--frozen-lockfile', '--offline', '--ignore-scripts'], {
      cwd: dir,
      stdio: 'pipe',
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    const redis = createRedisConnection(REDIS_URL, { role: 'consumer' });
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the development tools out', () => {
    const installed = readdirSync(join(dir, 'node_modules', '.pnpm'));
    for (const devTool of ['jest@', 'typescript@', 'prisma@', 'eslint@', 'autocannon@', 'fast-check@']) {
      expect(installed.filter((name) => name.startsWith(devTool))).toEqual([]);
    }
    expect(existsSync(join(dir, 'node_modules', '.bin', 'tsx'))).toBe(true);
    expect(existsSync(join(dir, 'packages/db/src/generated/prisma/client.ts'))).toBe(true);
  });

  it('migrates an empty database, then receives, stores and serves a webhook', async () => {
    const apiToken = `prod-${randomBytes(12).toString('hex')}`;
    const [ingestPort, apiPort, workerMetricsPort] = await freePorts(3);
    const env = {
      NODE_ENV: 'production',
      // As the image sets it (Dockerfile, stage runtime): `pnpm mirror` runs the script, never an install.
      pnpm_config_verify_deps_before_run: 'false',
      DATABASE_URL: databaseUrl(database),
      REDIS_URL,
      QUEUE_PREFIX: prefix,
      API_TOKEN: apiToken,
      INGEST_PORT: String(ingestPort),
      API_PORT: String(apiPort),
      WORKER_METRICS_PORT: String(workerMetricsPort),
    };

    const migrate = spawnSync('pnpm', ['--silent', 'mirror', 'migrate'], {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect({ status: migrate.status, stderr: migrate.stderr }).toEqual({ status: 0, stderr: '' });
    expect(migrate.stdout).toMatch(/applied \d+ migration/);

    for (const app of ['ingest', 'worker', 'api'] as const) apps.push(startApp(app, env, dir));
    const [ingest, worker, api] = apps as [AppProcess, AppProcess, AppProcess];
    await waitForHttp(`http://127.0.0.1:${ingestPort}/readyz`, ingest);
    await waitForHttp(`http://127.0.0.1:${workerMetricsPort}/metrics`, worker);
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`, api);

    const body = readFileSync(FIXTURE, 'utf8');
    const sourceId = (JSON.parse(body) as { source_id: string }).source_id;
    const accepted = await fetch(`http://127.0.0.1:${ingestPort}/webhooks/rehook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(accepted.status).toBe(200);

    const customer = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${apiPort}/v1/customers/${encodeURIComponent(sourceId)}`, {
          headers: { authorization: `Bearer ${apiToken}` },
        });
        return res.status !== 404 && res;
      },
      { what: 'the worker to store the customer', intervalMs: 200 },
    );
    expect(customer.status).toBe(200);
    expect(await customer.json()).toMatchObject({ sourceId, eventCount: 1 });
  }, 120_000);
});
