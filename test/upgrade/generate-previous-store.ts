// Regenerates fixtures/previous-store.json: a store written by the version before delivery
// identity, with the read models that version projected, for previous-store.int.test.ts.
// Not run by CI or jest; run it by hand when the webhook set changes:
//
//   git worktree add --detach /tmp/mirror-prev <PREVIOUS_COMMIT>
//   (cd /tmp/mirror-prev && pnpm install --offline)
//   pnpm tsx test/upgrade/generate-previous-store.ts /tmp/mirror-prev
//
// It creates a database of its own on the test server (TEST_DATABASE_URL or the local one),
// migrates it with the previous version's `mirror migrate`, starts that version's ingest, worker
// and API (pnpm start:*, in that checkout), posts fixtures/webhooks.jsonl one body at a time, in
// file order, fulfils the webhook reward through its API, waits for the worker to store every
// enqueued body, and dumps the events as stored and every read-model table, then drops it all.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { format, resolveConfig } from 'prettier';
import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import { freePorts, startApp, waitForHttp, type AppProcess } from '../ops/support/processes';
import { databaseUrl, withAdmin } from '../support/postgres';
import { waitFor } from '../support/wait-for';
import { dumpTables, type PreviousStore } from './previous-store';

/** The parent of cf4e5c8 (delivery-identity): the last commit whose ingest keyed bodies `sha256:`. */
const PREVIOUS_COMMIT = 'b8f4adf586d9db17251014f526bcf2e86d7af6c1';
/** The webhook reward the previous API marks fulfilled (a `fulfil:` key, origin mirror). */
const FULFILLED_REDEMPTION = 'redm_webhook_reward_1';
const FIXTURES = join(__dirname, 'fixtures');
const API_TOKEN = `previous-store-${randomBytes(12).toString('hex')}`;

async function main(checkout: string): Promise<void> {
  const head = execFileSync('git', ['-C', checkout, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  if (head !== PREVIOUS_COMMIT) throw new Error(`${checkout} is at ${head}, not ${PREVIOUS_COMMIT}`);

  const database = `previous_store_${randomBytes(4).toString('hex')}`;
  const [ingestPort, apiPort, metricsPort] = await freePorts(3);
  const env = {
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `previous-store-${randomBytes(4).toString('hex')}`,
    INGEST_PORT: String(ingestPort),
    API_PORT: String(apiPort),
    WORKER_METRICS_PORT: String(metricsPort),
    API_TOKEN,
  };
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${database}"`));
  const apps: AppProcess[] = [];
  try {
    const migrate = spawnSync('pnpm', ['--silent', 'mirror', 'migrate'], {
      cwd: checkout,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (migrate.status !== 0) throw new Error(`migrate failed:\n${migrate.stdout}${migrate.stderr}`);

    for (const app of ['ingest', 'worker', 'api'] as const) apps.push(startApp(app, env, checkout));
    const [ingest, worker, api] = apps as [AppProcess, AppProcess, AppProcess];
    await Promise.all([
      waitForHttp(`http://127.0.0.1:${ingestPort}/readyz`, ingest),
      waitForHttp(`http://127.0.0.1:${metricsPort}/healthz`, worker),
      waitForHttp(`http://127.0.0.1:${apiPort}/readyz`, api),
    ]);

    const bodies = readFileSync(join(FIXTURES, 'webhooks.jsonl'), 'utf8').split('\n').filter(Boolean);
    const answers: string[] = [];
    for (const body of bodies) {
      const response = await fetch(`http://127.0.0.1:${ingestPort}/webhooks/rehook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 200) throw new Error(`ingest answered ${response.status} to ${body}`);
      answers.push(((await response.json()) as { status: string }).status);
    }
    const enqueued = answers.filter((answer) => answer === 'enqueued').length;

    const client = new Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    try {
      const countEvents = async () =>
        Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]?.n);
      // The worker appends and projects in one transaction: once every body is stored, it is projected.
      await waitFor(async () => (await countEvents()) === enqueued, { what: 'every body stored' });
      const fulfil = await fetch(`http://127.0.0.1:${apiPort}/v1/rewards/${FULFILLED_REDEMPTION}/fulfil`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_TOKEN}` },
      });
      if (fulfil.status !== 200) throw new Error(`fulfil answered ${fulfil.status}: ${await fulfil.text()}`);

      const migrations = await client.query<{ migration_name: string; checksum: string }>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      const store: PreviousStore = {
        commit: PREVIOUS_COMMIT,
        migrations: migrations.rows.map((row) => ({ name: row.migration_name, checksum: row.checksum })),
        answers,
        tables: await dumpTables(client),
      };
      // Written as `pnpm format` would write it, so that `pnpm lint` passes on a regenerated file.
      const path = join(FIXTURES, 'previous-store.json');
      const options = { ...(await resolveConfig(path)), filepath: path };
      writeFileSync(path, await format(JSON.stringify(store), options));
      console.log(
        `wrote previous-store.json: ${bodies.length} bodies, ${enqueued} enqueued, ` +
          `${store.tables['events']?.length ?? 0} events`,
      );
    } finally {
      await client.end();
    }
  } finally {
    for (const app of apps) await app.stop();
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    const redis = createRedisConnection(env.REDIS_URL, { role: 'consumer' });
    await removeKeysByPrefix(redis, env.QUEUE_PREFIX);
    redis.disconnect();
  }
}

const checkout = process.argv[2];
if (checkout === undefined) {
  console.error('usage: pnpm tsx test/upgrade/generate-previous-store.ts <checkout of the previous commit>');
  process.exit(2);
}
main(checkout).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
