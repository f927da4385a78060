import type { MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import type { Redis } from '@mirror/queue';
import { RECONCILE_OFF, rehookClientFromEnv } from '@mirror/reconcile';
import { createReconcileQueue, scheduleReconcile, unscheduleReconcile } from './reconcile-queue';
import { type AfterReconcile, createReconcileWorker } from './reconcile-worker';

/** The worker's part in scheduled reconciliation, to stop on shutdown. */
export interface ScheduledReconcile {
  /** Whether this process schedules and runs reconcile (credentials set). */
  enabled: boolean;
  close(): Promise<void>;
}

/**
 * Scheduled reconciliation: with `REHOOK_API_KEY` and `REHOOK_API_SECRET` set, schedules a reconcile
 * run every `RECONCILE_EVERY` and runs the scheduled runs; without them, removes the schedule so
 * that nothing runs. Every worker replica does the same with the same settings.
 */
export async function startScheduledReconcile(
  env: MirrorEnv,
  deps: { redis: Redis; logger: Logger; afterReconcile?: AfterReconcile },
): Promise<ScheduledReconcile> {
  const { redis, logger } = deps;
  const queue = createReconcileQueue(redis, env.QUEUE_PREFIX);
  const api = rehookClientFromEnv(env, logger);
  if (api === null) {
    await unscheduleReconcile(queue);
    await queue.close();
    logger.info(`scheduled ${RECONCILE_OFF}; the schedule is removed`);
    return { enabled: false, close: () => Promise.resolve() };
  }
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
