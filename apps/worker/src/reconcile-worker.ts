import { type Job, Worker } from 'bullmq';
import type { PrismaClient } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import type { Redis } from '@mirror/queue';
import { ReconcileBusyError, type ReconcileRunResult, runReconcile } from '@mirror/reconcile';
import type { RehookApiClient } from '@mirror/rehook-api';
import { RECONCILE_QUEUE, type ReconcileJobData } from './reconcile-queue';

/**
 * A step run after every scheduled reconcile run that ran (whatever its status), in the same
 * job, so it too runs one at a time across all workers. Issue #17: `verify` over a sample of
 * customers plugs in here. A step that throws is logged and reported in the job's result; the
 * reconcile run is already recorded and is not affected.
 */
export type AfterReconcile = (run: ReconcileRunResult) => Promise<void>;

/** What a scheduled job did (its BullMQ return value). */
export type ReconcileJobResult =
  | {
      outcome: 'ran';
      runId: string;
      status: ReconcileRunResult['status'];
      /** `done`, or the error of the after-reconcile step. */
      afterReconcile: string;
    }
  | { outcome: 'skipped'; reason: string };

export interface ReconcileWorkerDeps {
  /** A Prisma client of its own (a run must not take the webhook worker's connections). */
  prisma: PrismaClient;
  /** For the run lock's connection. */
  databaseUrl: string;
  api: RehookApiClient;
  /** A `consumer` Redis connection. */
  redis: Redis;
  logger: Logger;
  /** @defaultValue a step that does nothing */
  afterReconcile?: AfterReconcile;
}

export interface ReconcileWorkerOptions {
  /** BullMQ key prefix (`QUEUE_PREFIX`). */
  prefix: string;
  /**
   * Lock duration of the run's job and the stalled-job check interval
   * (`WORKER_LOCK_DURATION_MS`): a run whose worker was killed is started again within about
   * twice this, by whichever worker notices.
   * @defaultValue 30000
   */
  lockDurationMs?: number;
}

/** The consumer of scheduled reconcile runs, and how to stop it promptly. */
export interface ReconcileWorker {
  worker: Worker<ReconcileJobData, ReconcileJobResult>;
  /** Asks a run in progress to stop after the customers in flight, then closes the worker. */
  close(): Promise<void>;
}

/**
 * Runs the scheduled reconcile jobs, one at a time in this process (concurrency 1; the queue's
 * global concurrency and the run lock make it one at a time across processes). A job that finds
 * another run in progress (the CLI's, or one started meanwhile) is skipped, not failed.
 */
export function createReconcileWorker(
  deps: ReconcileWorkerDeps,
  options: ReconcileWorkerOptions,
): ReconcileWorker {
  const stopping = new AbortController();
  const afterReconcile = deps.afterReconcile ?? (() => Promise.resolve());
  const process = async (job: Job<ReconcileJobData>): Promise<ReconcileJobResult> => {
    let run: ReconcileRunResult;
    try {
      run = await runReconcile(
        { prisma: deps.prisma, databaseUrl: deps.databaseUrl, api: deps.api, logger: deps.logger },
        { trigger: job.data.trigger, signal: stopping.signal },
      );
    } catch (error) {
      if (error instanceof ReconcileBusyError) {
        deps.logger.info({ jobId: job.id }, 'scheduled reconcile skipped: another run is in progress');
        return { outcome: 'skipped', reason: error.message };
      }
      throw error;
    }
    let after = 'done';
    try {
      await afterReconcile(run);
    } catch (error) {
      after = error instanceof Error ? error.message : String(error);
      deps.logger.error({ runId: run.id, err: error }, 'the step after the scheduled reconcile failed');
    }
    return { outcome: 'ran', runId: run.id, status: run.status, afterReconcile: after };
  };
  const lockDuration = options.lockDurationMs ?? 30_000;
  const worker = new Worker<ReconcileJobData, ReconcileJobResult>(RECONCILE_QUEUE, process, {
    connection: deps.redis,
    prefix: options.prefix,
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    // A run whose worker died is run once more (its customers' repairs are idempotent); a run
    // that kills its worker twice waits for the next schedule.
    maxStalledCount: 1,
  });
  worker.on('failed', (job, error) =>
    deps.logger.error({ jobId: job?.id, err: error }, 'scheduled reconcile job failed'),
  );
  worker.on('stalled', (jobId) =>
    deps.logger.warn({ jobId }, 'scheduled reconcile found stalled (its worker died mid-run); it runs again'),
  );
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'reconcile worker error'));
  return {
    worker,
    async close() {
      stopping.abort();
      await worker.close();
    },
  };
}
