import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** An app started as `pnpm start:<app>` starts it, in a process group of its own. */
export interface AppProcess {
  child: ChildProcess;
  /** Resolves with the exit code or signal once the process (group leader) exits. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Sends `signal` to the whole process group (tsx runs the app in a child process). */
  kill(signal: NodeJS.Signals): void;
  /** The tail of what it wrote, for diagnostics. */
  output(): string;
}

/**
 * Starts `tsx apps/<app>/src/main.ts` as `pnpm start:<app>` does, in a process group of its own
 * (tsx runs the app in a child process, and a kill must reach it).
 */
export function startAppProcess(app: 'ingest' | 'worker' | 'api', env: Record<string, string>): AppProcess {
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [`apps/${app}/src/main.ts`], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep the tail only: a long soak must not grow the test's own memory.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  return {
    child,
    exited,
    kill(signal) {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
    output: () => output,
  };
}

/** Polls `url` until it answers 200, failing early if the process exits. */
export async function waitUntilServing(url: string, app: AppProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void app.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`${url}: the process exited before serving:\n${app.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
