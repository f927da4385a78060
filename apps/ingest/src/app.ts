import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
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

/**
 * The ingest's HTTP app, without `listen` (the caller owns the server). Express routes the
 * probes; the webhook route itself only uses `node:http` (see routes/webhook.ts).
 */
export function createApp(deps: AppDeps): Express {
  const { config, logger, metrics } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const routeLabels = new Map([
    [config.webhookPath, 'webhook'],
    ['/healthz', 'healthz'],
    ['/readyz', 'readyz'],
    ['/metrics', 'metrics'],
  ]);
  const countAnswers: RequestHandler = (req, res, next) => {
    const route = routeLabels.get(req.path) ?? 'other';
    res.once('close', () => {
      metrics.httpRequests.inc({ route, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
    });
    next();
  };
  app.use(countAnswers);

  const webhook = createWebhookHandler(deps);
  app.post(config.webhookPath, (req: IncomingMessage, res: ServerResponse) => webhook(req, res));
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
  return app;
}
