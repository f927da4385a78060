import type { JobsOptions } from 'bullmq';

/** The BullMQ queue that carries accepted webhooks from the ingest to the workers. */
export const WEBHOOK_QUEUE = 'rehook-webhooks';

/** Name of every webhook job (BullMQ needs one; the worker does not branch on it). */
export const WEBHOOK_JOB_NAME = 'rehook-webhook';

/**
 * Options of every webhook job, defined once for all producers.
 *
 * - `attempts` / `backoff`: the worker retries transient failures (Postgres restarting, a
 *   deadlock) for about four minutes in total (2 s, 4 s, … 128 s) before the job fails.
 * - `removeOnComplete`: completed jobs are only needed as a short-term duplicate filter (the
 *   event store's idempotent append is the real one), so keep a day's worth, at most 100 000,
 *   which bounds Redis memory at roughly 100 000 × body size.
 * - `removeOnFail: false`: a failed job is kept until an operator runs `pnpm mirror retry-failed`;
 *   dropping it would lose an acknowledged webhook.
 */
export const WEBHOOK_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 60 * 60, count: 100_000 },
  removeOnFail: false,
} as const satisfies JobsOptions;
