// Real processes for the ops tests: the apps started exactly as `pnpm start:<app>` starts them,
// and the CLI exactly as `pnpm mirror` runs it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** A running app process and everything it printed. */
export interface AppProcess {
  name: string;
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<{ code: number | null; killed: boolean }>;
}

export { freePort, freePorts } from '../../../apps/ingest/src/testing/free-ports';

/**
 * Starts `pnpm start:<app>` (the root script, as docker-compose.yml and the README run it) with
 * `env` on top of this process's environment, in this checkout or in `cwd` (another install).
 */
export function startApp(
  app: 'ingest' | 'worker' | 'api',
  env: Record<string, string>,
  cwd: string = ROOT,
): AppProcess {
  const child = spawn('pnpm', ['--silent', `start:${app}`], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let killed = false;
  return {
    name: app,
    child,
    output: () => output,
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, killed };
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
      try {
        return { code: await exited, killed };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Polls `url` until it answers 2xx; fails with the app's output if it exits or takes too long. */
export async function waitForHttp(url: string, app: AppProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.child.exitCode !== null)
      throw new Error(`${app.name} exited (${app.child.exitCode}):\n${app.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What a CLI run printed, and its exit code. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the operator CLI (`pnpm mirror …` is `tsx apps/cli/src/main.ts …`). */
export function runMirror(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, 'apps', 'cli', 'src', 'main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
