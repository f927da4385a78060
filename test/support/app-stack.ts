import { freePorts, startApp, waitForHttp, type AppProcess } from '../ops/support/processes';

/** The ingest, a worker and the API, each started as `pnpm start:<app>` starts it. */
export interface AppStack {
  /** The environment every app got (ports included), for a CLI run against the same stack. */
  env: Record<string, string>;
  ingestUrl: string;
  apiUrl: string;
  /** In start order: ingest, worker, API. */
  apps: [AppProcess, AppProcess, AppProcess];
  /** Stops the apps still running (SIGTERM, then SIGKILL after the grace period). */
  stop(): Promise<void>;
}

/**
 * Starts the three apps on free ports with `env` (at least DATABASE_URL, REDIS_URL, QUEUE_PREFIX
 * and API_TOKEN) and waits until each is ready: the ingest's and the API's `/readyz`, the
 * worker's metrics `/healthz`. If one never gets ready, all three are stopped before the error.
 */
export async function startAppStack(env: Record<string, string>): Promise<AppStack> {
  const [ingestPort, apiPort, metricsPort] = await freePorts(3);
  const stackEnv = {
    ...env,
    INGEST_PORT: String(ingestPort),
    API_PORT: String(apiPort),
    WORKER_METRICS_PORT: String(metricsPort),
  };
  const ingestUrl = `http://127.0.0.1:${ingestPort}`;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const apps: AppStack['apps'] = [
    startApp('ingest', stackEnv),
    startApp('worker', stackEnv),
    startApp('api', stackEnv),
  ];
  const stop = async () => {
    await Promise.all(apps.map((app) => app.stop()));
  };
  const [ingest, worker, api] = apps;
  try {
    await Promise.all([
      waitForHttp(`${ingestUrl}/readyz`, ingest),
      waitForHttp(`http://127.0.0.1:${metricsPort}/healthz`, worker),
      waitForHttp(`${apiUrl}/readyz`, api),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { env: stackEnv, ingestUrl, apiUrl, apps, stop };
}
