import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { ReconcileDriftItem, ReconcileRun } from '../schemas/reconcile';
import { isoUtc } from '../sql/json';

const runJson = Prisma.sql`json_build_object(
  'id', r.id,
  'trigger', r.trigger,
  'dryRun', r.dry_run,
  'startedAt', ${isoUtc('r.started_at')},
  'finishedAt', ${isoUtc('r.finished_at')},
  'status', r.status,
  'customersChecked', r.customers_checked,
  'customersFailed', r.customers_failed,
  'recordsRead', r.records_read,
  'eventsAppended', r.events_appended,
  'driftItems', r.drift_items,
  'error', r.error,
  'note', r.note)`;

/** A position in the runs list, newest first: (started_at, id) of the last run shown. */
export interface RunPosition {
  startedAt: string;
  id: string;
}

/** Runs newest first. @returns up to `limit + 1` rows (see `toPage`). */
export async function listReconcileRuns(
  db: ReadDb,
  after: RunPosition | undefined,
  limit: number,
): Promise<ReconcileRun[]> {
  const rows = await db.$queryRaw<{ item: ReconcileRun }[]>`
    SELECT ${runJson} AS item FROM reconcile_runs r
    ${after === undefined ? Prisma.empty : Prisma.sql`WHERE (r.started_at, r.id) < (${after.startedAt}::timestamptz, ${after.id}::uuid)`}
    ORDER BY r.started_at DESC, r.id DESC
    LIMIT ${limit + 1}`;
  return rows.map((row) => row.item);
}

export async function findReconcileRun(db: ReadDb, id: string): Promise<ReconcileRun | null> {
  const rows = await db.$queryRaw<{ item: ReconcileRun }[]>`
    SELECT ${runJson} AS item FROM reconcile_runs r WHERE r.id = ${id}::uuid`;
  return rows[0]?.item ?? null;
}

/** A run's drift items in the order found. @returns up to `limit + 1` rows with their ids. */
export async function listRunDrift(
  db: ReadDb,
  runId: string,
  afterId: bigint | undefined,
  limit: number,
): Promise<{ id: string; item: ReconcileDriftItem }[]> {
  return db.$queryRaw<{ id: string; item: ReconcileDriftItem }[]>`
    SELECT d.id::text AS id, json_build_object(
      'sourceId', d.source_id,
      'kind', d.kind,
      'transactionId', d.transaction_id,
      'direction', d.direction,
      'mirrorPoints', d.mirror_points::float8,
      'rehookPoints', d.rehook_points::float8,
      'detail', d.detail) AS item
    FROM reconcile_drift d
    WHERE d.run_id = ${runId}::uuid ${afterId === undefined ? Prisma.empty : Prisma.sql`AND d.id > ${afterId}`}
    ORDER BY d.id
    LIMIT ${limit + 1}`;
}
