import type { WebhookBullQueue } from './webhook-queue';

/** What a retry of the failed set did. */
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
 * Jobs that fail again after this call are left for the next run. The CLI (`retry-failed`) and
 * the console share it.
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
