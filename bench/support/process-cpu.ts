import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { cpuSecondsOf } from './child-server';

/** CPU seconds per Postgres process at one moment. */
export type PostgresCpu = Map<number, number>;

/**
 * CPU seconds of the Postgres processes working for one database: its backends, plus the WAL
 * writer, checkpointer and background writer (shared with other databases, so other activity
 * on the server inflates the figure a little). Take one before and one after a run, while the
 * run's connections are still open, and subtract with {@link postgresCpuSpent}.
 */
export async function postgresCpu(adminUrl: string, database: string): Promise<PostgresCpu> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE (datname = $1 AND pid <> pg_backend_pid())
          OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`,
      [database],
    );
    return new Map(rows.map((row) => [row.pid, cpuSecondsOf(row.pid) || 0]));
  } finally {
    await client.end();
  }
}

/** CPU seconds spent between two snapshots (a backend that started in between counts from 0). */
export function postgresCpuSpent(before: PostgresCpu, after: PostgresCpu): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

/** CPU seconds Redis has used so far (from INFO cpu). */
export async function redisCpuSeconds(info: () => Promise<string>): Promise<number> {
  const text = await info();
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

/** The median of some numbers (the middle one, or the mean of the two middle ones). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
  );
}

/** The machine's CPU time so far, in clock ticks: all of it, and the part the hypervisor took. */
export interface MachineCpu {
  total: number;
  steal: number;
}

/**
 * From the first line of /proc/stat (Linux; zeros elsewhere). Steal is time this VM was ready to
 * run but the hypervisor ran another: on a shared host it comes and goes, and a run that had
 * much of it measured the neighbours as much as the code.
 */
export function machineCpu(): MachineCpu {
  let line: string;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    return { total: 0, steal: 0 };
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const ticks = line.split(/\s+/).slice(1, 9).map(Number);
  return { total: ticks.reduce((sum, n) => sum + n, 0), steal: ticks[7] ?? 0 };
}

/** The share (0-1) of the machine's CPU time stolen between two readings. */
export function stealShare(before: MachineCpu, after: MachineCpu): number {
  const total = after.total - before.total;
  return total > 0 ? (after.steal - before.steal) / total : 0;
}
