import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { applyMigrations, ensureDatabaseExists } from '@mirror/db/migrations';
import { createRedisConnection, createWebhookQueue, type Redis, type WebhookBullQueue } from '@mirror/queue';
import { freePort, freePorts } from '../../support/free-ports';
import { PrivateRedis } from '../../support/private-redis';
import { createPrivatePostgres, type PrivatePostgres } from '../../support/private-postgres';
import { startWorkerProcess, type WorkerProcess } from '../../support/worker-process';
import { startAppProcess, waitUntilServing, type AppProcess } from '../../support/app-process';

/** Credentials the stack is configured with, so every scenario goes through auth. */
export const WEBHOOK_USER = 'rehook';
export const WEBHOOK_PASSWORD = `faults-${randomBytes(6).toString('hex')}`;
export const API_TOKEN = `faults-token-${randomBytes(8).toString('hex')}`;

/** The ingests' `INGEST_ENQUEUE_TIMEOUT_MS`: how long an add may take before the answer is 503. */
export const INGEST_ENQUEUE_TIMEOUT_MS = 1000;

/** Headers Rehook sends to the stack's ingest. */
export const WEBHOOK_HEADERS = {
  authorization: `Basic ${Buffer.from(`${WEBHOOK_USER}:${WEBHOOK_PASSWORD}`).toString('base64')}`,
};

/** A worker process and the port of its metrics endpoint. */
export interface RunningWorker {
  process: WorkerProcess;
  metricsUrl: string;
}

/** An ingest process and where it listens. */
export interface RunningIngest {
  process: AppProcess;
  url: string;
  webhookUrl: string;
}

/** The whole mirror on loopback, over private servers the scenario may stop and restart. */
export interface Stack {
  redis: PrivateRedis;
  postgres: PrivatePostgres;
  databaseUrl: string;
  /** The test's own view of the event store and read models. */
  prisma: PrismaClient;
  prefix: string;
  /** The test's own view of the queue (a fail-fast connection; errors while Redis is down). */
  queue: WebhookBullQueue;
  /** The first ingest (`ingests[0]` as started): most scenarios run one. */
  ingest: AppProcess;
  ingestUrl: string;
  webhookUrl: string;
  /** The ingest replicas running now; a scenario may kill some and start others. */
  ingests: RunningIngest[];
  /** Starts one more ingest replica and waits until it is ready. */
  startIngest(): Promise<RunningIngest>;
  api: AppProcess;
  apiUrl: string;
  workers: RunningWorker[];
  /** Starts one more worker process. */
  startWorker(): Promise<RunningWorker>;
  /** Kills everything and deletes the servers' data. */
  stop(): Promise<void>;
}

/** Options of {@link startStack}. */
export interface StackOptions {
  workers?: number;
  /** Ingest replicas, all on the same Redis, as behind a load balancer. @defaultValue 1 */
  ingests?: number;
  /** Jobs in flight per worker process. @defaultValue 8 */
  workerConcurrency?: number;
}

/**
 * Starts Redis (append-only file fsynced before each answer, `noeviction`, as docker-compose runs it),
 * a Postgres cluster with a migrated database, then the ingest, the API and the workers exactly
 * as `pnpm start:<app>` starts them.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redisDir = mkdtempSync(path.join(tmpdir(), 'mirror-faults-redis-'));
  const redis = await PrivateRedis.start([
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
    '--dir',
    redisDir,
  ]);
  const postgres = createPrivatePostgres(await freePort());
  const databaseUrl = postgres.url.replace(/\/postgres$/, '/mirror');
  await ensureDatabaseExists(databaseUrl);
  await applyMigrations(databaseUrl);
  const prisma = createPrisma(databaseUrl, { max: 4 });
  const prefix = `faults-${randomBytes(4).toString('hex')}`;
  const queueRedis: Redis = createRedisConnection(redis.url, { role: 'producer' });
  queueRedis.on('error', () => {});
  const { queue } = createWebhookQueue(queueRedis, { prefix });
  queue.on('error', () => {});

  const common = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, QUEUE_PREFIX: prefix };
  // The ports of every process started now, chosen together so that none gets another's port
  // before that one binds it. A worker or ingest started later picks its port while the others
  // are bound.
  const workerCount = options.workers ?? 2;
  const ingestCount = options.ingests ?? 1;
  const [apiPort, ...initialPorts] = await freePorts(1 + ingestCount + workerCount);
  const initialIngestPorts = initialPorts.splice(0, ingestCount);
  const initialWorkerPorts = initialPorts;
  const api = startAppProcess('api', { ...common, API_PORT: String(apiPort), API_TOKEN });
  const apiUrl = `http://127.0.0.1:${apiPort}`;

  const launchIngest = async (): Promise<RunningIngest> => {
    const port = initialIngestPorts.shift() ?? (await freePort());
    const url = `http://127.0.0.1:${port}`;
    const app = startAppProcess('ingest', {
      ...common,
      INGEST_PORT: String(port),
      INGEST_ENQUEUE_TIMEOUT_MS: String(INGEST_ENQUEUE_TIMEOUT_MS),
      WEBHOOK_BASIC_AUTH: `${WEBHOOK_USER}:${WEBHOOK_PASSWORD}`,
    });
    return { process: app, url, webhookUrl: `${url}/webhooks/rehook` };
  };
  const ingests: RunningIngest[] = [];
  for (let i = 0; i < ingestCount; i++) ingests.push(await launchIngest());
  const [first] = ingests as [RunningIngest];
  // A replica joins `ingests` once ready, as a load balancer's health check would add it.
  const startIngest = async (): Promise<RunningIngest> => {
    const ingest = await launchIngest();
    try {
      await waitUntilServing(`${ingest.url}/readyz`, ingest.process);
    } catch (error) {
      ingest.process.kill('SIGKILL');
      throw error;
    }
    ingests.push(ingest);
    return ingest;
  };

  const workers: RunningWorker[] = [];
  const startWorker = async (): Promise<RunningWorker> => {
    const port = initialWorkerPorts.shift() ?? (await freePort());
    const worker = {
      process: startWorkerProcess({
        ...common,
        WORKER_CONCURRENCY: String(options.workerConcurrency ?? 8),
        // A killed worker's jobs come back within about twice this.
        WORKER_LOCK_DURATION_MS: '2000',
        WORKER_METRICS_PORT: String(port),
      }),
      metricsUrl: `http://127.0.0.1:${port}/metrics`,
    };
    workers.push(worker);
    return worker;
  };
  for (let i = 0; i < workerCount; i++) await startWorker();

  const stop = async () => {
    const all = [...ingests.map((i) => i.process), api, ...workers.map((w) => w.process)];
    for (const app of all) app.kill('SIGKILL');
    await Promise.all(all.map((app) => app.exited));
    await queue.close().catch(() => {});
    queueRedis.disconnect();
    await prisma.$disconnect();
    await redis.kill();
    postgres.destroy();
    rmSync(redisDir, { recursive: true, force: true });
  };
  try {
    for (const ingest of ingests) await waitUntilServing(`${ingest.url}/readyz`, ingest.process);
    await waitUntilServing(`${apiUrl}/healthz`, api);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    redis,
    postgres,
    databaseUrl,
    prisma,
    prefix,
    queue,
    ingest: first.process,
    ingestUrl: first.url,
    webhookUrl: first.webhookUrl,
    ingests,
    startIngest,
    api,
    apiUrl,
    workers,
    startWorker,
    stop,
  };
}
