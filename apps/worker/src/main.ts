// Composition root of the worker: config, logger, Prisma, Redis, the BullMQ consumer, metrics
// and graceful shutdown.
import { createPrisma } from '@mirror/db';
import { parseEnvOrExit, runMain, shutdownOnSignals } from '@mirror/lifecycle';
import { createLogger } from '@mirror/logger';
import { createRedisConnection, createWebhookQueue } from '@mirror/queue';
import { verifyAfterReconcile } from './after-reconcile';
import { startMetricsServer } from './metrics-server';
import { startScheduledReconcile } from './scheduled-reconcile';
import { createWebhookWorker, DEFAULT_WORKER_TRANSACTIONS } from './webhook-worker';
import { createWorkerMetrics } from './worker-metrics';

runMain(async () => {
  const env = parseEnvOrExit('worker');
  const logger = createLogger('worker', env.LOG_LEVEL);
  // One connection per transaction in flight (jobs share them, see createWebhookWorker), plus one.
  const prisma = createPrisma(env.DATABASE_URL, {
    role: 'worker',
    max: Math.min(env.WORKER_CONCURRENCY, DEFAULT_WORKER_TRANSACTIONS) + 1,
  });
  const redis = createRedisConnection(env.REDIS_URL, {
    role: 'consumer',
    connectionName: 'mirror-worker',
  });
  // The gauges read the queue on a fail-fast connection, so a scrape never hangs on Redis.
  const metricsRedis = createRedisConnection(env.REDIS_URL, {
    role: 'producer',
    connectionName: 'mirror-worker-metrics',
  });
  const { queue } = createWebhookQueue(metricsRedis, { prefix: env.QUEUE_PREFIX });
  const metrics = createWorkerMetrics(queue);
  const metricsServer = await startMetricsServer(metrics.registry, env.WORKER_METRICS_PORT, logger);
  const worker = createWebhookWorker(
    { prisma, redis, metrics, logger },
    {
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      dedupeWindowSeconds: env.WEBHOOK_DEDUPE_WINDOW_SECONDS,
    },
  );
  // Verify after each scheduled reconcile reads in a long snapshot transaction: a pool of its own
  // (connections open only when a run starts), so it never holds a webhook job's connection.
  const verifyPrisma = createPrisma(env.DATABASE_URL, { role: 'worker', max: 2 });
  const reconcile = await startScheduledReconcile(env, {
    redis,
    logger,
    afterReconcile: verifyAfterReconcile({ prisma: verifyPrisma, logger, sample: env.VERIFY_SAMPLE }),
  });
  logger.info(
    {
      concurrency: env.WORKER_CONCURRENCY,
      prefix: env.QUEUE_PREFIX,
      metricsPort: metricsServer.port,
      scheduledReconcile: reconcile.enabled,
    },
    'worker started',
  );

  shutdownOnSignals(logger, async (signal) => {
    logger.info({ signal }, 'shutting down: taking no new jobs, finishing the jobs in flight');
    // close() waits for the jobs in flight; their transactions commit (or roll back) before
    // the pool closes, and a job interrupted anyway is redelivered and is idempotent.
    // A reconcile run in progress stops after the customers in flight and is recorded failed.
    await Promise.all([worker.close(), reconcile.close()]);
    await Promise.allSettled([metricsServer.close(), queue.close()]);
    await Promise.allSettled([
      prisma.$disconnect(),
      verifyPrisma.$disconnect(),
      redis.quit(),
      metricsRedis.quit(),
    ]);
    logger.info('shut down');
  });
});
