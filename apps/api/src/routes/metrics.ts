import { Router, type RequestHandler } from 'express';
import type { ApiMetrics } from '../middleware/metrics';
import { routeLabel } from '../middleware/metrics';
import { methodNotAllowed } from '../middleware/method-not-allowed';

/**
 * `GET /metrics` for Prometheus, behind the token like everything but the health probes:
 * Prometheus sends it with `authorization: {credentials_file: ...}` (or `basic_auth` with the
 * token as password), and route names and traffic are nobody else's business.
 */
export function metricsRouter(metrics: ApiMetrics, auth: RequestHandler): Router {
  const router = Router();
  router.get('/metrics', routeLabel('/metrics'), auth, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  router.all('/metrics', routeLabel('/metrics'), auth, methodNotAllowed(['get']));
  return router;
}
