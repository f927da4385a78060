import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The ingest's Prometheus metrics, on their own registry so that tests can run several apps. */
export interface IngestMetrics {
  readonly registry: Registry;
  /** Answers by route (`webhook`, `healthz`, `readyz`, `metrics`, `other`) and status (or `aborted`). */
  readonly httpRequests: Counter<'route' | 'status'>;
  /** Time for Redis to accept a job (or for the attempt to fail), by outcome. */
  readonly enqueueDuration: Histogram<'outcome'>;
  /** Sizes of webhook bodies read in full. */
  readonly bodyBytes: Histogram;
  /** Deliveries recognised as redeliveries of an accepted event, by rule. */
  readonly redeliveries: Counter<'rule'>;
  /** Requests being handled right now (what a graceful shutdown waits for), read when scraped. */
  readonly inFlight: Gauge;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Adds process metrics (CPU, memory, event-loop lag). @defaultValue true */
  defaultMetrics?: boolean;
  /**
   * Requests in flight, read at each scrape rather than set on every request and answer (two
   * gauge updates per webhook, for a value only a scrape looks at).
   */
  inFlight?: () => number;
}

/** Creates the metrics on a registry of their own. */
export function createMetrics(options: MetricsOptions = {}): IngestMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'ingest_http_requests_total',
      help: 'HTTP answers by route and status ("aborted" when the client left first)',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    enqueueDuration: new Histogram({
      name: 'ingest_enqueue_duration_seconds',
      help: 'Time until Redis accepted a webhook job, or the attempt failed, by outcome',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    redeliveries: new Counter({
      name: 'ingest_redeliveries_total',
      help: 'Deliveries recognised as redeliveries of an accepted event, by rule (delivery-id, occurrence, content-window)',
      labelNames: ['rule'],
      registers: [registry],
    }),
    bodyBytes: new Histogram({
      name: 'ingest_webhook_body_bytes',
      help: 'Size of webhook bodies read in full',
      buckets: [256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'ingest_requests_in_flight',
      help: 'HTTP requests being handled',
      registers: [registry],
      collect() {
        if (options.inFlight !== undefined) this.set(options.inFlight());
      },
    }),
  };
}
