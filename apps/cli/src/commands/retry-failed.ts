import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import { createRedisConnection, createWebhookQueue, type WebhookBullQueue } from '@mirror/queue';

/** What `retry-failed` did. */
export interface RetryFailedReport {
  /** Jobs moved from the failed set back to waiting, with their attempts reset. */
  retried: number;
  /** Jobs that left the failed set by themselves meanwhile (another operator, a removal). */
  skipped: number;
}

const PAGE = 500;

/**
 * Requeues every job in the failed set (jobs that exhausted their retries, e.g. while Postgres
 * was down for longer than the backoff), with their attempt counters reset, so each gets the
 * full retry budget again. Safe to run twice and alongside workers: processing is idempotent.
 * Jobs that fail again after this call are left for the next run.
 */
export async function retryFailedJobs(queue: WebhookBullQueue): Promise<RetryFailedReport> {
  const total = await queue.getFailedCount();
  const report: RetryFailedReport = { retried: 0, skipped: 0 };
  while (report.retried + report.skipped < total) {
    const jobs = await queue.getFailed(0, Math.min(PAGE, total - report.retried - report.skipped) - 1);
    if (jobs.length === 0) break;
    for (const job of jobs) {
      try {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        report.retried += 1;
      } catch {
        // No longer in the failed set: retried or removed by someone else since the listing.
        report.skipped += 1;
      }
    }
  }
  return report;
}

export function registerRetryFailed(program: Command): void {
  program
    .command('retry-failed')
    .description(
      'Requeue every webhook job in the failed set (retries exhausted), with its attempts reset. ' +
        'Processing is idempotent, so a job that had in fact been stored changes nothing.',
    )
    .action(async () => {
      const env = parseEnv(process.env);
      const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-cli' });
      const { queue } = createWebhookQueue(redis, { prefix: env.QUEUE_PREFIX });
      try {
        const report = await retryFailedJobs(queue);
        console.log(
          report.retried === 0 && report.skipped === 0
            ? 'no failed jobs'
            : `requeued ${report.retried} failed job(s)` +
                (report.skipped > 0 ? `; ${report.skipped} had left the failed set meanwhile` : ''),
        );
      } finally {
        await queue.close();
        await redis.quit();
      }
    });
}
