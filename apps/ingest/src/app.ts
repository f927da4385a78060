import express from 'express';
import type { ErrorRequestHandler } from 'express';
import type { RequestListener } from 'node:http';
import type { Logger } from '@mirror/logger';
import type { EnqueueOutcome, ReceiptClock, WebhookJobData } from '@mirror/queue';
import type { IngestMetrics } from './metrics';
import { sendProblem } from './problem';
import { createMetricsRoute, createReadyz, healthz } from './routes/health';
import { createWebhookHandler } from './routes/webhook';
import type { WebhookRouteConfig } from './routes/webhook';

/** Configuration of the HTTP app. */
export interface AppConfig extends WebhookRouteConfig {
  /** `WEBHOOK_PATH`. */
  webhookPath: string;
}

/** Everything the app needs, built by the composition root (or a test). */
export interface AppDeps {
  config: AppConfig;
  enqueue: (job: WebhookJobData, timeoutMs: number) => Promise<EnqueueOutcome>;
  pingRedis: () => Promise<void>;
  isDraining: () => boolean;
  clock: ReceiptClock;
  logger: Logger;
  metrics: IngestMetrics;
}

/** The request path without its query string. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * The ingest's HTTP request listener, without `listen` (the caller owns the server).
 *
 * `POST <WEBHOOK_PATH>` goes straight to the webhook handler; everything else (probes, metrics,
 * 404/405) goes through Express. Profiling under load showed Express's router and its
 * request/response decoration costing about as much CPU per webhook as all the rest of the
 * ingest's own work together (see BENCHMARKS.md), and the webhook route needs nothing from it.
 */
export function createApp(deps: AppDeps): RequestListener {
  const { config, logger, metrics } = deps;
  const webhook = createWebhookHandler(deps);
  const routeLabels = new Map([
    [config.webhookPath, 'webhook'],
    ['/healthz', 'healthz'],
    ['/readyz', 'readyz'],
    ['/metrics', 'metrics'],
  ]);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.all(config.webhookPath, (_req, res) => {
    sendProblem(res, { status: 405, detail: 'Webhooks are delivered with POST.' }, { allow: 'POST' });
  });
  app.get('/healthz', healthz);
  app.get('/readyz', createReadyz(deps));
  app.get('/metrics', createMetricsRoute(deps));
  app.use((req, res) => {
    sendProblem(res, { status: 404, detail: `No route for ${req.method} ${req.path}.` });
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    logger.error({ err: error }, 'request failed');
    sendProblem(res, { status: 500 });
  };
  app.use(onError);

  return (req, res) => {
    const path = pathOf(req.url);
    const route = routeLabels.get(path) ?? 'other';
    res.once('close', () => {
      metrics.httpRequests.inc({ route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
    if (route === 'webhook' && req.method === 'POST') {
      void webhook(req, res);
      return;
    }
    app(req, res);
  };
}
