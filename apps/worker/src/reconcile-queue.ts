import { Queue } from 'bullmq';
import type { Redis } from '@mirror/queue';

/** The queue of scheduled reconcile runs: a queue of its own, so a run never waits behind webhooks. */
export const RECONCILE_QUEUE = 'reconcile';
/** The one job scheduler of that queue; every worker upserts the same id, so N workers are one schedule. */
export const RECONCILE_SCHEDULER_ID = 'reconcile-every';
export const RECONCILE_JOB_NAME = 'reconcile';

export interface ReconcileJobData {
  trigger: 'schedule';
}

// Job names are typed `string`: BullMQ types a scheduler id as a job name.
export type ReconcileBullQueue = Queue<ReconcileJobData, unknown, string>;

/** The reconcile queue under `prefix` (`QUEUE_PREFIX`), on a connection the caller owns. */
export function createReconcileQueue(redis: Redis, prefix: string): ReconcileBullQueue {
  return new Queue(RECONCILE_QUEUE, { connection: redis, prefix });
}

/**
 * Creates or updates the schedule: a run every `everyMs` (`RECONCILE_EVERY`), the first one at
 * once when the scheduler is new. Upserting an unchanged scheduler keeps its next run where it
 * is (BullMQ keeps the slot), so every worker start may call it. The queue's global concurrency
 * is 1: a run starts only when no worker process runs one (the run lock in `runReconcile`
 * covers the CLI and a run whose stalled job comes back while another started).
 */
export async function scheduleReconcile(queue: ReconcileBullQueue, everyMs: number): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.upsertJobScheduler(
    RECONCILE_SCHEDULER_ID,
    { every: everyMs },
    {
      name: RECONCILE_JOB_NAME,
      data: { trigger: 'schedule' },
      // A run is not retried: the next one is at most RECONCILE_EVERY away, and a run's
      // outcome is in reconcile_runs, not in the job.
      opts: { attempts: 1, removeOnComplete: 50, removeOnFail: 50 },
    },
  );
}
