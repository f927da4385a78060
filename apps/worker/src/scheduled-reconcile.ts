import type { MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import type { Redis } from '@mirror/queue';
import { RECONCILE_OFF, rehookClientFromEnv } from '@mirror/reconcile';
import { createReconcileQueue, scheduleReconcile } from './reconcile-queue';
import { type AfterReconcile, createReconcileWorker } from './reconcile-worker';

/** The worker's part in scheduled reconciliation, to stop on shutdown. */
export interface ScheduledReconcile {
  /** Whether this process schedules and runs reconcile (credentials set). */
  enabled: boolean;
  close(): Promise<void>;
}

/**
 * Scheduled reconciliation: with `REHOOK_API_KEY` and `REHOOK_API_SECRET` set, schedules a reconcile
 * run every `RECONCILE_EVERY` and runs the scheduled runs. Without them, the worker runs none and
 * leaves the schedule alone: the schedule is shared by the whole fleet, and one replica started
 * without credentials (a typo in one deployment) must not turn reconciliation off for the
 * replicas that have them. A scheduled run waits for a worker with credentials to take it.
 */
export async function startScheduledReconcile(
  env: MirrorEnv,
  deps: { redis: Redis; logger: Logger; afterReconcile?: AfterReconcile },
): Promise<ScheduledReconcile> {
  const { redis, logger } = deps;
  const api = rehookClientFromEnv(env, logger);
  if (api === null) {
    logger.info(
      `this worker runs no reconcile: ${RECONCILE_OFF}; the schedule, if workers with credentials made one, is left to them`,
    );
    return { enabled: false, close: () => Promise.resolve() };
  }
  const queue = createReconcileQueue(redis, env.QUEUE_PREFIX);
  await scheduleReconcile(queue, env.RECONCILE_EVERY);
  // Its own small pool: a run reads and appends per customer, beside the webhook jobs' transactions.
  const prisma = createPrisma(env.DATABASE_URL, { role: 'worker', max: 2 });
  const consumer = createReconcileWorker(
    {
      prisma,
      databaseUrl: env.DATABASE_URL,
      api,
      redis,
      logger,
      ...(deps.afterReconcile ? { afterReconcile: deps.afterReconcile } : {}),
    },
    { prefix: env.QUEUE_PREFIX, lockDurationMs: env.WORKER_LOCK_DURATION_MS },
  );
  logger.info({ everyMs: env.RECONCILE_EVERY }, 'scheduled reconcile on');
  return {
    enabled: true,
    async close() {
      await consumer.close();
      await Promise.allSettled([queue.close(), prisma.$disconnect()]);
    },
  };
}
