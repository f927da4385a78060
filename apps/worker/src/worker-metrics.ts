import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { WebhookBullQueue } from '@mirror/queue';
import { queueBacklog } from '@mirror/stats';

/** The worker's Prometheus metrics (served by the metrics server). */
export interface WorkerMetrics {
  registry: Registry;
  /** Jobs completed, by canonical event name (`unrecognized` / `invalid` for quarantined bodies). */
  jobsProcessed: Counter<'event'>;
  /** Job attempts that failed (infrastructure errors; BullMQ retries them), by event name. */
  jobsFailed: Counter<'event'>;
  /** Time to append and project one job (one transaction). */
  projectionDuration: Histogram;
  /** Events newly stored, by status; redeliveries count under `duplicate`. */
  eventsStored: Counter<'status'>;
  /** Jobs this worker found stalled (their lock lapsed mid-job) and put back to run again. */
  jobsStalled: Counter;
  /**
   * Deliveries recorded as redeliveries of a stored event, by the rule that recognised them:
   * the ingest's, or `previous-version` (this worker: an event stored before delivery identity).
   */
  redeliveries: Counter<'rule'>;
}

/**
 * Creates the metrics. When `queue` is given, queue depth (per state) and the age of the
 * oldest waiting job are read from Redis at each scrape.
 */
export function createWorkerMetrics(queue?: WebhookBullQueue): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mirror_worker_' });
  const metrics: WorkerMetrics = {
    registry,
    jobsProcessed: new Counter({
      name: 'mirror_worker_jobs_processed_total',
      help: 'Webhook jobs completed, by canonical event name',
      labelNames: ['event'],
      registers: [registry],
    }),
    jobsFailed: new Counter({
      name: 'mirror_worker_jobs_failed_total',
      help: 'Webhook job attempts that failed and will be retried (or end in the failed set), by event name',
      labelNames: ['event'],
      registers: [registry],
    }),
    projectionDuration: new Histogram({
      name: 'mirror_worker_projection_duration_seconds',
      help: 'Time to append one job to the event store and project it, in one transaction',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsStored: new Counter({
      name: 'mirror_worker_events_stored_total',
      help: 'Events appended to the event store, by status (duplicate: already stored, nothing changed)',
      labelNames: ['status'],
      registers: [registry],
    }),
    jobsStalled: new Counter({
      name: 'mirror_worker_jobs_stalled_total',
      help: 'Jobs found stalled by this worker (their lock lapsed mid-job: a worker died or froze) and run again',
      registers: [registry],
    }),
    redeliveries: new Counter({
      name: 'mirror_worker_redeliveries_total',
      help: 'Deliveries recorded as redeliveries of a stored event, by the rule that recognised them (previous-version: by the worker)',
      labelNames: ['rule'],
      registers: [registry],
    }),
  };
  if (queue !== undefined) {
    new Gauge({
      name: 'mirror_worker_queue_jobs',
      help: 'Jobs in the webhook queue, by state',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        const { counts } = await queueBacklog(queue, new Date());
        for (const [state, count] of Object.entries(counts)) {
          if (state !== 'completed') this.set({ state }, count);
        }
      },
    });
    new Gauge({
      name: 'mirror_worker_oldest_waiting_job_age_seconds',
      help: 'Age of the oldest job waiting to be processed (0 when none): how far behind the workers are',
      registers: [registry],
      async collect() {
        const { oldestWaitingAgeMs } = await queueBacklog(queue, new Date());
        this.set((oldestWaitingAgeMs ?? 0) / 1000);
      },
    });
  }
  return metrics;
}
