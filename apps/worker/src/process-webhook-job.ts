import { UnrecoverableError, type Job } from 'bullmq';
import { canonicalEventName } from '@mirror/catalog';
import type { Logger } from '@mirror/logger';
import { type EventRecorder, InvalidDeliveryError } from '@mirror/projections';
import type { WebhookJobData } from '@mirror/queue';
import type { WorkerMetrics } from './worker-metrics';

/** What the job handler needs. */
export interface JobDeps {
  /** Records the job's delivery, sharing transactions with the other jobs in flight. */
  recorder: EventRecorder;
  metrics: WorkerMetrics;
  logger: Logger;
}

/**
 * The metrics label of a body whose recording failed: its canonical event name when it has a
 * known one (bounded: the catalog's names), else `unknown`.
 */
export function eventLabelOf(rawBody: unknown): string {
  try {
    const body: unknown = typeof rawBody === 'string' ? JSON.parse(rawBody) : undefined;
    const name = (body as { event_name?: unknown } | undefined)?.event_name;
    return (typeof name === 'string' && canonicalEventName(name)) || 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Handles one webhook job: appends it to the event store and projects it, in one transaction
 * (shared with the process's other jobs in flight when they arrive together).
 * Bad bodies never throw (they are stored as unrecognized or invalid), nor does an event whose
 * projection the database refuses on its data (stored as invalid, with the SQLSTATE). Any other
 * Postgres failure throws, and BullMQ retries with the job's backoff; a job that breaks the job contract is a
 * producer bug that no retry can fix, so it goes straight to the failed set.
 */
export function createJobHandler(deps: JobDeps): (job: Job<WebhookJobData>) => Promise<void> {
  return async (job) => {
    const stopTimer = deps.metrics.projectionDuration.startTimer();
    try {
      const result = await deps.recorder.record(job.data);
      stopTimer();
      const label = result.status === 'projected' ? (result.name ?? 'unknown') : result.status;
      deps.metrics.jobsProcessed.inc({ event: label });
      deps.metrics.eventsStored.inc({ status: result.outcome === 'duplicate' ? 'duplicate' : result.status });
      if (result.redelivery !== undefined) deps.metrics.redeliveries.inc({ rule: result.redelivery });
      if (result.status !== 'projected' && result.outcome === 'stored') {
        deps.logger.info(
          {
            jobId: job.id,
            idempotencyKey: result.idempotencyKey,
            status: result.status,
            reason: result.reason,
          },
          'stored a quarantined event',
        );
      }
    } catch (error) {
      deps.metrics.jobsFailed.inc({ event: eventLabelOf(job.data.rawBody) });
      if (error instanceof InvalidDeliveryError) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
}
