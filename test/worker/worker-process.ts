import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** A worker started as `pnpm start:worker` starts it, in a process group of its own. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process (group leader) exits. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` to the whole process group (tsx runs the worker in a child process). */
  kill(signal: NodeJS.Signals): void;
  /** Everything it wrote, for diagnostics. */
  output(): string;
}

/** Starts `tsx apps/worker/src/main.ts` with the given environment on top of ours. */
export function startWorkerProcess(env: Record<string, string>): WorkerProcess {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['apps/worker/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_METRICS_PORT: '0', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return {
    child,
    exited,
    kill(signal) {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
    output: () => output,
  };
}
