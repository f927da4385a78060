import type { PrismaClient } from '@mirror/db';
import type { Difference } from './difference';

/** How a verify run went: `passed` (no difference), `differences`, `failed` (could not compare), or still `running`. */
export type VerifyRunStatus = 'running' | 'passed' | 'differences' | 'failed';

/** Which customers a run recomputes. */
export type VerifyMode = 'all' | 'sample' | 'customers';

/** Differences kept with a run in `verify_runs` (the CLI prints them all). */
export const RECORDED_DIFFERENCES = 100;

/**
 * Advisory-lock namespace of verify runs: a run holds the lock (this, hashtext(run id)) in its
 * snapshot transaction from before its row exists until it ends, so a `running` row whose lock
 * is free belongs to a process that died (killed, out of memory, host lost).
 */
const RUN_LOCK = 0x76657269;

/** Takes the run's lock in its snapshot transaction (released when the transaction ends, however it ends). */
export async function holdRunLock(tx: Pick<PrismaClient, '$queryRaw'>, id: string): Promise<void> {
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(${RUN_LOCK}::int, hashtext(${id}))::text`;
}

/**
 * Marks `failed` every `running` run whose process is gone (its lock is free), so that a killed
 * run does not show as running for ever. Called when a run starts.
 *
 * @returns the runs marked.
 */
export async function markAbandonedRuns(
  prisma: Pick<PrismaClient, '$queryRaw'>,
  by: string,
  at: Date,
): Promise<string[]> {
  // Trying a run's lock takes it for this statement only: the run is dead either way.
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE verify_runs SET status = 'failed', finished_at = ${at},
      error = ${`abandoned: the process running it ended before it finished (found by run ${by})`}
    WHERE status = 'running' AND pg_try_advisory_xact_lock(${RUN_LOCK}::int, hashtext(id::text))
    RETURNING id::text AS id`;
  return rows.map((r) => r.id);
}

export async function startRun(
  prisma: Pick<PrismaClient, 'verifyRun'>,
  run: { id: string; trigger: string; mode: VerifyMode; startedAt: Date },
): Promise<void> {
  await prisma.verifyRun.create({ data: { ...run, status: 'running' } });
}

export async function finishRun(
  prisma: Pick<PrismaClient, 'verifyRun'>,
  id: string,
  result: {
    status: Exclude<VerifyRunStatus, 'running'>;
    customersChecked: number;
    differences: readonly Difference[];
    error: string | null;
    finishedAt: Date;
  },
): Promise<void> {
  await prisma.verifyRun.update({
    where: { id },
    data: {
      status: result.status,
      customersChecked: result.customersChecked,
      differences: result.differences.length,
      firstDifferences: result.differences.slice(0, RECORDED_DIFFERENCES).map((d) => ({ ...d })),
      error: result.error,
      finishedAt: result.finishedAt,
    },
  });
}

/** The newest verify run as `/v1/stats`, `mirror stats`, the metrics and the console show it. */
export interface VerifyRunSummary {
  id: string;
  trigger: string;
  mode: string;
  status: VerifyRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  customersChecked: number;
  differences: number;
  error: string | null;
}

/** The newest run (null: none yet), and when the newest run that passed finished. */
export interface VerifyState {
  lastRun: VerifyRunSummary | null;
  lastPassedAt: Date | null;
}

/** Reads {@link VerifyState} (tagged raw SQL only, so the API's read client will do). */
export async function verifyState(db: Pick<PrismaClient, '$queryRaw'>): Promise<VerifyState> {
  const [last, passed] = await Promise.all([
    db.$queryRaw<VerifyRunSummary[]>`
      SELECT id::text AS id, trigger, mode, status::text AS status, started_at AS "startedAt",
             finished_at AS "finishedAt", customers_checked AS "customersChecked", differences, error
      FROM verify_runs ORDER BY started_at DESC, id DESC LIMIT 1`,
    db.$queryRaw<{ at: Date | null }[]>`
      SELECT max(finished_at) AS at FROM verify_runs WHERE status = 'passed'`,
  ]);
  return { lastRun: last[0] ?? null, lastPassedAt: passed[0]?.at ?? null };
}
