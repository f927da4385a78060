import type { PrismaClient } from '@mirror/db';
import type { DriftItem } from './compare';

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

/** The figures of a run, as recorded in `reconcile_runs`. */
export interface RunTotals {
  customersChecked: number;
  customersFailed: number;
  recordsRead: number;
  eventsAppended: number;
  driftItems: number;
}

/**
 * Marks runs still `running` as failed. Called only while holding the run lock, so any such run
 * belongs to a process that died (its lock went with its connection).
 */
export async function failInterruptedRuns(prisma: PrismaClient, now: Date): Promise<number> {
  const { count } = await prisma.reconcileRun.updateMany({
    where: { status: 'running' },
    data: {
      status: 'failed',
      finishedAt: now,
      error: 'interrupted: the process running it stopped before it finished',
    },
  });
  return count;
}

export async function startRun(
  prisma: PrismaClient,
  run: { id: string; trigger: string; dryRun: boolean; startedAt: Date },
): Promise<void> {
  await prisma.reconcileRun.create({ data: { ...run, status: 'running' } });
}

export async function recordDrift(
  prisma: PrismaClient,
  runId: string,
  items: readonly DriftItem[],
): Promise<void> {
  if (items.length === 0) return;
  await prisma.reconcileDrift.createMany({
    data: items.map((item) => ({
      runId,
      sourceId: item.sourceId,
      kind: item.kind,
      transactionId: item.transactionId ?? null,
      direction: item.direction ?? null,
      mirrorPoints: item.mirrorPoints ?? null,
      rehookPoints: item.rehookPoints ?? null,
      detail: item.detail ?? null,
    })),
  });
}

export async function finishRun(
  prisma: PrismaClient,
  id: string,
  result: RunTotals & {
    status: Exclude<RunStatus, 'running'>;
    error: string | null;
    note: string | null;
    finishedAt: Date;
  },
): Promise<void> {
  await prisma.reconcileRun.update({ where: { id }, data: result });
}
