import express, { type Express } from 'express';
import { BULL_BOARD_PATH, bullBoardRouter } from './admin/bull-board';
import { CONSOLE_PATH } from './console/layout';
import { consoleRouter } from './console/router';
import { reconcileCheck } from './console/data/reconcile-check';
import { verifyCheck } from './console/data/verify-check';
import { CustomerFolds } from '@mirror/projections';
import type { ApiDeps } from './deps';
import type { JsonRoute, JsonRouteOptions } from './http/json-route';
import { mountJsonRoutes } from './http/mount';
import { requireToken } from './middleware/auth';
import { notFoundHandler, problemHandler } from './middleware/errors';
import { methodNotAllowed } from './middleware/method-not-allowed';
import { registerStreamMetrics } from './feed/stream-metrics';
import { registerFreshnessMetrics } from './freshness-metrics';
import { createApiMetrics, recordMetrics, routeLabel, type ApiMetrics } from './middleware/metrics';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/document';
import { couponRoutes } from './routes/coupons';
import { customerRoutes } from './routes/customers';
import { docsRouter } from './routes/docs';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { leaderboardRoutes } from './routes/leaderboards';
import { metricsRouter } from './routes/metrics';
import { reconcileRoutes } from './routes/reconcile';
import { referralRoutes } from './routes/referrals';
import { rewardRoutes } from './routes/rewards';
import { segmentRoutes } from './routes/segments';
import { statsRoutes } from './routes/stats';
import { STREAM_PATH, streamPathItem, streamRoute } from './routes/stream';
import { walletRoutes } from './routes/wallet';
import { recordDeliveries } from './record-deliveries';

/** The app and what tests and `main.ts` may want from it besides listening. */
export interface Api {
  app: Express;
  /** The OpenAPI document served at `/openapi.json`. */
  openApi: OpenApiDocument;
  /** Every JSON route with its spec (tests validate answers against these schemas). */
  routes: readonly JsonRoute[];
  metrics: ApiMetrics;
}

/**
 * Builds the internal REST API over the read models (no `listen`: `server.ts` and the tests do
 * that). Nothing here reads the environment or opens a connection.
 */
export function createApp(given: ApiDeps): Api {
  const deps: ApiDeps = { ...given, folds: given.folds ?? new CustomerFolds() };
  const options: JsonRouteOptions = { validateResponses: deps.config.validateResponses ?? false };
  const metrics = createApiMetrics({ defaultMetrics: deps.config.defaultMetrics ?? true });
  registerFreshnessMetrics(metrics.registry, deps.prisma);
  if (deps.feed !== undefined) registerStreamMetrics(metrics.registry, deps.feed);
  const auth = requireToken(deps.config.apiToken);
  const record = recordDeliveries(deps.prisma);
  const routes: JsonRoute[] = [
    ...healthRoutes(deps, options),
    ...customerRoutes(deps, options),
    ...walletRoutes(deps, options),
    ...eventRoutes(deps, options),
    ...couponRoutes(deps, options),
    ...segmentRoutes(deps, options),
    ...referralRoutes(deps, options),
    ...leaderboardRoutes(deps, options),
    ...rewardRoutes(deps, record, options),
    ...statsRoutes(deps, options),
    ...reconcileRoutes(deps, options),
  ];
  const openApi = buildOpenApiDocument(
    routes.map((r) => r.spec),
    { [STREAM_PATH]: streamPathItem() },
  );

  const app = express();
  app.disable('x-powered-by');
  // Read models change with every webhook and the callers are services, not browser caches:
  // hashing every answer (up to tens of KiB) for an ETag would cost CPU for nothing.
  app.set('etag', false);
  // Ids are exact: `/v1/coupons/ABC` and `/v1/coupons/abc` are different coupons.
  app.set('case sensitive routing', true);
  app.use(recordMetrics(metrics));
  mountJsonRoutes(app, routes, auth);
  app.get(
    STREAM_PATH,
    routeLabel(STREAM_PATH),
    auth,
    streamRoute(deps.feed, { maxStreamsPerToken: deps.config.maxStreamsPerToken ?? 200 }),
  );
  app.all(STREAM_PATH, routeLabel(STREAM_PATH), auth, methodNotAllowed(['get']));
  app.use(docsRouter(openApi, auth));
  app.use(metricsRouter(metrics, auth));
  app.use(BULL_BOARD_PATH, routeLabel(BULL_BOARD_PATH), auth, bullBoardRouter(deps.queue.queue));
  // The console has its own login (a session cookie, not the bearer token: browsers cannot send one).
  app.use(
    CONSOLE_PATH,
    consoleRouter(deps, { record, checks: [reconcileCheck, verifyCheck, ...(deps.checkRuns ?? [])] }),
  );
  // Paths no route claimed: without the token they are a 401 like everything else.
  app.use(auth, notFoundHandler);
  app.use(problemHandler(deps.logger));
  return { app, openApi, routes, metrics };
}
