// Composition root of the worker: config, logger, Prisma, Redis, the BullMQ consumer, metrics
// and graceful shutdown.
import { ConfigError, parseEnv, type MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import { createLogger } from '@mirror/logger';
import { createRedisConnection, createWebhookQueue } from '@mirror/queue';
import { startMetricsServer } from './metrics-server';
import { createWebhookWorker, DEFAULT_WORKER_TRANSACTIONS } from './webhook-worker';
import { createWorkerMetrics } from './worker-metrics';

function readEnv(): MirrorEnv {
  try {
    return parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger('worker', env.LOG_LEVEL);
  // One connection per transaction in flight (jobs share them, see createWebhookWorker), plus one.
  const prisma = createPrisma(env.DATABASE_URL, {
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
    },
  );
  logger.info(
    { concurrency: env.WORKER_CONCURRENCY, prefix: env.QUEUE_PREFIX, metricsPort: metricsServer.port },
    'worker started',
  );

  let stopping: Promise<void> | undefined;
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal }, 'shutting down: taking no new jobs, finishing the jobs in flight');
    // close() waits for the jobs in flight; their transactions commit (or roll back) before
    // the pool closes, and a job interrupted anyway is redelivered and is idempotent.
    await worker.close();
    await Promise.allSettled([metricsServer.close(), queue.close()]);
    await Promise.allSettled([prisma.$disconnect(), redis.quit(), metricsRedis.quit()]);
    logger.info('shut down');
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping !== undefined) {
      logger.warn({ signal }, 'second signal: exiting now (jobs in flight will be redelivered)');
      process.exit(1);
    }
    stopping = shutdown(signal);
    stopping.then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
