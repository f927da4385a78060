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

export { freePort, freePorts } from '../../support/free-ports';

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

/** A CLI run in progress: one Node process (no `tsx` parent), so a signal reaches it alone. */
export interface MirrorProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves once the process has printed `text` (on stdout or stderr); fails if it exits first. */
  printed(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the operator CLI as `node --import tsx apps/cli/src/main.ts …`: the same code as
 * `pnpm mirror`, in a single process (`tsx` itself runs the CLI in a child process, which a
 * SIGKILL of `tsx` would leave running).
 */
export function startMirror(args: string[], env: Record<string, string>): MirrorProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps', 'cli', 'src', 'main.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => output,
    exited,
    printed(text, timeoutMs = 60_000) {
      return new Promise<void>((resolve, reject) => {
        const done = (error?: Error) => {
          listeners.delete(check);
          clearTimeout(timer);
          if (error === undefined) resolve();
          else reject(error);
        };
        const check = () => {
          if (output.includes(text)) done();
        };
        const timer = setTimeout(
          () => done(new Error(`no "${text}" after ${timeoutMs} ms; output:\n${output}`)),
          timeoutMs,
        );
        listeners.add(check);
        void exited.then(({ code, signal }) =>
          done(new Error(`exited (${code ?? signal}) before printing "${text}"; output:\n${output}`)),
        );
        check();
      });
    },
  };
}
