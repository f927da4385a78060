import type { Request, Response } from 'express';
import type { IngestMetrics } from '../metrics';
import { sendProblem } from '../problem';

/** What the probes need to know. */
export interface HealthDeps {
  /** Resolves when Redis answers a PING within its timeout; rejects otherwise. */
  pingRedis: () => Promise<void>;
  /** True once shutdown has begun: load balancers should stop sending. */
  isDraining: () => boolean;
  metrics: IngestMetrics;
}

/** `GET /healthz`: the process is up and serving HTTP. Deliberately checks nothing else. */
export function healthz(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

/** `GET /readyz`: able to accept webhooks, i.e. Redis reachable and not shutting down. */
export function createReadyz(deps: HealthDeps): (req: Request, res: Response) => Promise<void> {
  return async (_req, res) => {
    if (deps.isDraining()) {
      sendProblem(res, { status: 503, detail: 'Shutting down.' });
      return;
    }
    try {
      await deps.pingRedis();
      res.json({ status: 'ready' });
    } catch (error) {
      sendProblem(res, { status: 503, detail: `Redis is not reachable: ${(error as Error).message}` });
    }
  };
}

/** `GET /metrics`: Prometheus text format. */
export function createMetricsRoute(
  deps: Pick<HealthDeps, 'metrics'>,
): (req: Request, res: Response) => Promise<void> {
  return async (_req, res) => {
    const text = await deps.metrics.registry.metrics();
    res.type(deps.metrics.registry.contentType).send(text);
  };
}
