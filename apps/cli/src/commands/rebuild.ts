import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { parseEnv } from '@mirror/config';
import { createPrisma, type PrismaClient } from '@mirror/db';
import { rebuildReadModels, type RebuildProgress, type RebuildReport } from '@mirror/projections';
import { createRedisConnection, createWebhookQueue, type WebhookBullQueue } from '@mirror/queue';

/** Options of {@link rebuildWithQueuePaused}. */
export interface RebuildCommandOptions {
  /** Events per batch (see `rebuildReadModels`). */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * How long to wait for the jobs in flight to finish once the queue is paused. Past it the
   * rebuild starts anyway: it is correct regardless (it waits on the projection lock for any
   * transaction in flight), the wait only spares workers from blocking on that lock.
   * @defaultValue 60000
   */
  drainTimeoutMs?: number;
  /** Progress messages for the operator. */
  log?: (message: string) => void;
}

async function waitUntilNoActiveJobs(queue: WebhookBullQueue, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await queue.getActiveCount()) === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Rebuilds every read model from the event store while live projection is paused: pauses the
 * queue (workers stop taking jobs; the ingest keeps enqueueing, so nothing is lost), waits for
 * the jobs in flight, rebuilds (in one transaction under the exclusive projection lock), and
 * resumes the queue even when the rebuild fails. Jobs enqueued meanwhile are projected after
 * it, on top of the rebuilt read models. A queue that was already paused stays paused.
 */
export async function rebuildWithQueuePaused(
  deps: { prisma: PrismaClient; queue: WebhookBullQueue },
  options: RebuildCommandOptions = {},
): Promise<RebuildReport> {
  const log = options.log ?? (() => undefined);
  const wasPaused = await deps.queue.isPaused();
  if (!wasPaused) await deps.queue.pause();
  try {
    log('queue paused; waiting for the jobs in flight');
    if (!(await waitUntilNoActiveJobs(deps.queue, options.drainTimeoutMs ?? 60_000))) {
      log('jobs are still active (a stalled worker?); rebuilding anyway, under the projection lock');
    }
    return await rebuildReadModels(deps.prisma, {
      batchSize: options.batchSize,
      onProgress: options.onProgress,
    });
  } finally {
    if (!wasPaused) await deps.queue.resume();
    log(wasPaused ? 'the queue was paused before the rebuild and stays paused' : 'queue resumed');
  }
}

export function registerRebuild(program: Command): void {
  program
    .command('rebuild')
    .description(
      'Drop and recompute every read model from the event store, in receipt order, in batches. ' +
        'Live projection is paused meanwhile (webhooks keep being accepted and are projected afterwards); ' +
        'the API keeps serving the previous read models until the rebuild commits.',
    )
    .option('--batch-size <events>', 'events read, folded and written per round trip', '5000')
    .action(async (options: { batchSize: string }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new Error('--batch-size must be a positive integer');
      const env = parseEnv(process.env);
      const prisma = createPrisma(env.DATABASE_URL, { max: 2 });
      const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-cli' });
      const { queue } = createWebhookQueue(redis, { prefix: env.QUEUE_PREFIX });
      const bar = new SingleBar({
        format: 'rebuild [{bar}] {percentage}% | {value}/{total} events | {speed} events/s',
        hideCursor: true,
      });
      const started = performance.now();
      let barStarted = false;
      try {
        const report = await rebuildWithQueuePaused(
          { prisma, queue },
          {
            batchSize,
            log: (message) => process.stderr.write(`${message}\n`),
            onProgress: ({ done, total }) => {
              const speed = Math.round(done / Math.max((performance.now() - started) / 1000, 0.001));
              if (!barStarted) {
                bar.start(total, done, { speed });
                barStarted = true;
              }
              bar.setTotal(total);
              bar.update(done, { speed });
            },
          },
        );
        bar.stop();
        console.log(
          `rebuilt the read models from ${report.events} events in ${(report.durationMs / 1000).toFixed(1)} s: ` +
            `${Math.round(report.eventsPerSecond)} events/s ` +
            `(${report.projected} projected, ${report.events - report.projected} quarantined, ` +
            `${report.reclassified} reclassified by the current catalog)`,
        );
      } finally {
        if (barStarted) bar.stop();
        await queue.close();
        await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
      }
    });
}
