// Runs once before the integration tests: checks that Postgres and Redis are there (with a clear
// message if not), builds the migrated template database, and drops test databases left behind
// by runs whose process is gone. Templates of other migration sets are left alone: a test run of
// another checkout (another branch, CI in a clone) may be cloning from them right now.
import { createConnection } from 'node:net';
import { applyMigrations } from '@mirror/db/migrations';
import { databaseUrl, templateName, TEST_SERVER_URL, withAdmin } from './support/postgres';

const TEMPLATE_LOCK = 7_204_811;

function redisReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(2000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export default async function globalSetup(): Promise<void> {
  const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  if (!(await redisReachable(redisUrl))) {
    throw new Error(
      `Integration tests need Redis at ${redisUrl} (docker compose up -d redis, or a local one).`,
    );
  }
  await withAdmin(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const template = templateName();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (rowCount === 0) {
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}"`);
      await admin.query(`CREATE DATABASE "${building}"`);
      await applyMigrations(databaseUrl(building));
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'mirror_test_%'",
    );
    for (const { datname } of rows) {
      const pid = Number(/^mirror_test_(\d+)_/.exec(datname)?.[1]);
      if (alive(pid)) continue;
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
    await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
  }).catch((error: Error) => {
    throw new Error(`Integration tests need Postgres at ${TEST_SERVER_URL}: ${error.message}`);
  });
}
