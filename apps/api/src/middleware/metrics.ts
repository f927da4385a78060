import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The API's Prometheus metrics, on their own registry so that tests can run several apps. */
export interface ApiMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
}

/** Creates the metrics; `defaultMetrics` adds process metrics (CPU, memory, event-loop lag). */
export function createApiMetrics(options: { defaultMetrics: boolean }): ApiMetrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'api_http_requests_total',
      help: 'HTTP answers by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'api_http_request_duration_seconds',
      help: 'Time to answer, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

/**
 * Names the route of a request for the metrics: the route template (`/v1/customers/{sourceId}`),
 * never the raw URL, so that label values stay few whatever ids callers send.
 */
export function routeLabel(template: string): RequestHandler {
  return (_req, res, next) => {
    res.locals['route'] = template;
    next();
  };
}

/** Counts and times every answer once it is sent; paths no route claimed count as `unmatched`. */
export function recordMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const route = typeof res.locals['route'] === 'string' ? res.locals['route'] : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
