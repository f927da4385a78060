import type { PrismaClient } from '@mirror/db';
import type { SqlClient } from '@mirror/event-store';

/**
 * The advisory lock a rebuild holds for as long as it runs (in a transaction of its own, which
 * Postgres ends with the connection: a rebuild killed outright releases it at once). It keeps
 * two rebuilds apart and tells a live run from one that was killed. A key of its own, next to
 * `PROJECTION_LOCK_ID`.
 */
export const REBUILD_LOCK_ID = 4_815_162_343n;

/** The phases of a rebuild, in order, as `rebuild_runs.phase` records them. */
export const REBUILD_PHASES = ['preparing', 'loading', 'catching-up', 'switching', 'done'] as const;

/** A phase of a rebuild (see {@link REBUILD_PHASES}). */
export type RebuildPhase = (typeof REBUILD_PHASES)[number];

/** How a rebuild run ended (or not yet). */
export type RebuildStatus = 'running' | 'succeeded' | 'failed' | 'interrupted';

/** A row of `rebuild_runs`, as `mirror stats` and `/v1/stats` report it. */
export interface RebuildRunInfo {
  id: string;
  status: RebuildStatus;
  phase: RebuildPhase;
  startedAt: Date;
  finishedAt: Date | null;
  /** Events folded into the new read models so far. */
  events: number;
  error: string | null;
}

/** Where a rebuild stands: one running now (at most one can), and the latest run. */
export interface RebuildState {
  running: boolean;
  latest: RebuildRunInfo | null;
}

/** Another rebuild holds the rebuild lock. */
export class RebuildAlreadyRunningError extends Error {
  constructor() {
    super('another rebuild is running (see `pnpm mirror stats`); wait for it to finish');
    this.name = 'RebuildAlreadyRunningError';
  }
}

/** What an interrupted run's error says. */
const KILLED = 'the rebuild process ended before it finished (killed?); the previous read models stayed live';

/**
 * Records a new run, and marks `interrupted` the runs still `running` that no rebuild holds
 * the lock of any more (killed outright). Call while holding the rebuild lock.
 *
 * @returns the new run's id.
 */
export async function startRun(db: SqlClient): Promise<bigint> {
  await db.$executeRawUnsafe(
    `UPDATE rebuild_runs SET status = 'interrupted', finished_at = now(),
       error = COALESCE(error, '${KILLED}')
     WHERE status = 'running'`,
  );
  const [row] = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO rebuild_runs (status, phase) VALUES ('running', 'preparing') RETURNING id`,
  );
  if (row === undefined) throw new Error('rebuild_runs: no id returned');
  return row.id;
}

/** Records the phase a run has reached and the events folded so far. */
export async function recordPhase(
  db: SqlClient,
  id: bigint,
  phase: RebuildPhase,
  events: number,
): Promise<void> {
  await db.$executeRawUnsafe(
    'UPDATE rebuild_runs SET phase = $2, events = $3::bigint WHERE id = $1::bigint',
    id.toString(),
    phase,
    String(events),
  );
}

/** Ends a run: `succeeded` (in the switch's transaction) or `failed` with the error. */
export async function finishRun(
  db: SqlClient,
  id: bigint,
  outcome: { status: 'succeeded'; events: number } | { status: 'failed'; error: string },
): Promise<void> {
  await db.$executeRawUnsafe(
    `UPDATE rebuild_runs SET status = $2, finished_at = now(),
       phase = CASE WHEN $2 = 'succeeded' THEN 'done' ELSE phase END,
       events = COALESCE($3::bigint, events), error = $4
     WHERE id = $1::bigint`,
    id.toString(),
    outcome.status,
    outcome.status === 'succeeded' ? String(outcome.events) : null,
    outcome.status === 'failed' ? outcome.error : null,
  );
}

/**
 * Whether a rebuild is running and how the latest one went. A run recorded as `running` whose
 * lock nobody holds was killed: it is reported as `interrupted` (the next run records it so).
 */
export async function rebuildState(db: Pick<PrismaClient, '$queryRaw'>): Promise<RebuildState> {
  const [row] = await db.$queryRaw<
    {
      held: boolean;
      id: bigint | null;
      status: RebuildStatus | null;
      phase: RebuildPhase | null;
      started_at: Date | null;
      finished_at: Date | null;
      events: bigint | null;
      error: string | null;
    }[]
  >`
    SELECT EXISTS (
             SELECT 1 FROM pg_locks
             WHERE locktype = 'advisory' AND granted AND objsubid = 1
               AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND classid::bigint = ${Number(REBUILD_LOCK_ID >> 32n)}
               AND objid::bigint = ${Number(REBUILD_LOCK_ID & 0xffffffffn)}
           ) AS held,
           r.id, r.status, r.phase, r.started_at, r.finished_at, r.events, r.error
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT * FROM rebuild_runs ORDER BY id DESC LIMIT 1) AS r ON true`;
  const held = row?.held === true;
  if (
    row === undefined ||
    row.id === null ||
    row.status === null ||
    row.phase === null ||
    row.started_at === null
  )
    return { running: held, latest: null };
  const killed = row.status === 'running' && !held;
  return {
    running: held,
    latest: {
      id: row.id.toString(),
      status: killed ? 'interrupted' : row.status,
      phase: row.phase,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      events: Number(row.events ?? 0),
      error: killed ? KILLED : row.error,
    },
  };
}
