import { startAppProcess, type AppProcess } from './app-process';

/** A worker process: the same handle as every other app's. */
export type WorkerProcess = AppProcess;

/** Starts `tsx apps/worker/src/main.ts` (as `pnpm start:worker` does) with `env` on top of ours. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  // Port 0: several workers on one machine must not fight over the metrics port.
  return startAppProcess('worker', { WORKER_METRICS_PORT: '0', ...env });
}
