import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A server under test, in its own process so that it does not share the load generator's CPU time. */
export interface ChildServer {
  port: number;
  pid: number;
  /** CPU seconds (user + system) the process has used so far. */
  cpuSeconds: () => number;
  /** SIGTERM, then wait for exit (SIGKILL after 15 s). */
  stop: () => Promise<void>;
}

/**
 * Starts `node --import tsx <script>` (what `pnpm start:*` runs) and waits for its log line
 * that carries a `port` field and a message ending in "listening". Keeps reading its output so
 * the child never blocks on a full pipe; the output is discarded except for the last lines,
 * shown if it dies.
 */
export async function startChildServer(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<ChildServer> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  child.stderr?.setEncoding('utf8').on('data', (text: string) => keep(text));
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${tail.join('\n')}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${tail.join('\n')}`)));
    lines.on('line', (line) => {
      keep(line);
      try {
        const record = JSON.parse(line) as { msg?: string; port?: number };
        if (typeof record.port === 'number' && record.msg?.endsWith('listening')) {
          clearTimeout(timer);
          resolve(record.port);
        }
      } catch {
        // Not a JSON log line.
      }
    });
  });
  return { port, pid: child.pid!, cpuSeconds: () => cpuSecondsOf(child.pid!), stop: () => stop(child) };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime of a process from /proc (Linux), in seconds. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
