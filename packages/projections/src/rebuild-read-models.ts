import { type PrismaClient, sqlStateOf } from '@mirror/db';
import {
  type EventClassification,
  eventBatchesInSeqRange,
  reclassifyEvents,
  type SeqRange,
  type SqlClient,
  type StoredEvent,
} from '@mirror/event-store';
import { applyChanges } from './apply-changes';
import { ChangeSet } from './change-set';
import { readBody } from './read-delivery';
import {
  finishRun,
  RebuildAlreadyRunningError,
  REBUILD_LOCK_ID,
  type RebuildPhase,
  recordPhase,
  startRun,
} from './rebuild/rebuild-runs';
import { maxSeqUnderLock, settledSeq } from './rebuild/settled-seq';
import {
  createSecondaryIndexes,
  createShadowTables,
  dropLeftovers,
  liveSchema,
  lockLiveTablesSql,
  REBUILD_SCHEMA,
  swapInShadowTables,
} from './rebuild/shadow-tables';

/** What {@link rebuildReadModels} needs from Prisma: transactions, and the pool to read from. */
export type RebuildClient = Pick<PrismaClient, '$transaction' | '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Progress of a rebuild, after each batch. */
export interface RebuildProgress {
  /** Events replayed so far. */
  done: number;
  /** Events to replay, as far as known (events keep arriving while a rebuild runs). */
  total: number;
}

/** Options of {@link rebuildReadModels}. */
export interface RebuildOptions {
  /**
   * Events read per round trip.
   * @defaultValue 5000
   */
  batchSize?: number;
  /**
   * Folded read-model rows kept in memory before they are written. Folding many batches
   * before writing means each row is written once instead of once per batch that touches it
   * (the rebuild's main cost); the budget bounds memory (roughly 1 KB per row), and smaller
   * change sets let writing overlap folding better (the last one is written alone).
   * @defaultValue 50000
   */
  flushRows?: number;
  /** Called after each batch. */
  onProgress?: (progress: RebuildProgress) => void;
  /**
   * Called as the rebuild reaches each phase: `preparing` once the new tables exist, `loading`
   * as it starts folding the store, `catching-up` once the store as it was at the start is
   * folded, `switching` inside the switch's transaction just before it commits, `done` once it
   * has committed (the previous tables are then dropped). For progress messages, and for tests
   * that interrupt a rebuild at a given point.
   */
  onPhase?: (phase: RebuildPhase) => void | Promise<void>;
  /**
   * Longest the whole rebuild may take before it is rolled back.
   * @defaultValue 6 hours
   */
  timeoutMs?: number;
  /**
   * How long the switch waits for the locks of the live read models (readers and writers in
   * flight) before it lets them go, catches up again and retries. Kept below Postgres's
   * `deadlock_timeout` (1 s by default) so that if a reader's statement waits on the switch
   * while holding a table the switch needs, the switch gives way, not the reader.
   * @defaultValue 500
   */
  switchLockTimeoutMs?: number;
  /**
   * How many times the switch may give way (see `switchLockTimeoutMs`) before the rebuild fails.
   * @defaultValue 20
   */
  switchAttempts?: number;
}

/** What a rebuild did. */
export interface RebuildReport {
  /** Events replayed: the store as it was when the rebuild switched. */
  events: number;
  /** Of which projected (the others are `unrecognized` or `invalid`). */
  projected: number;
  /** Events whose status, name or reason the current catalog reads differently than stored. */
  reclassified: number;
  /** Events appended while the rebuild ran, folded in by its catch-up rounds and its switch. */
  caughtUp: number;
  durationMs: number;
  eventsPerSecond: number;
}

function classificationChanged(stored: StoredEvent, read: EventClassification): boolean {
  return stored.status !== read.status || stored.name !== read.name || stored.reason !== read.reason;
}

/** Lets queued I/O run: a query issued before a long computation is then actually sent. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Events folded between two turns of the event loop. */
const FOLD_SLICE = 500;

/** Catch-up rounds before the switch, at most: under a constant flood the switch does the rest. */
const CATCH_UP_ROUNDS = 10;

/** What replaying a range of the store gave. */
export interface Replayed {
  done: number;
  projected: number;
  reclassified: EventClassification[];
}

/**
 * Folds a batch into `changes`. Gives the event loop a turn every few hundred events, so the
 * next batch is read and the previous change set written while this one is folded.
 */
async function foldBatch(batch: readonly StoredEvent[], changes: ChangeSet, into: Replayed): Promise<void> {
  for (const [i, stored] of batch.entries()) {
    if (i % FOLD_SLICE === 0) await turn();
    const { event, changes: eventChanges } = readBody({
      rawBody: stored.rawBody,
      origin: stored.origin,
      meta: {
        receiptStamp: stored.receiptStamp,
        idempotencyKey: stored.idempotencyKey,
        receivedAt: stored.receivedAt,
      },
    });
    if (event.status === 'projected') into.projected += 1;
    if (classificationChanged(stored, event)) into.reclassified.push(event);
    changes.addAll(eventChanges);
    into.done += 1;
  }
}

/**
 * `promise`, marked as handled: it is awaited later, and a rejection in the meantime must not
 * count as unhandled (which would end the process); the later await still throws.
 */
function inFlight<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Replays a range of the store into the tables `tx` writes (the new ones: see
 * {@link writeIntoShadow}): reads batch k+1 (on `reader`, another connection) while batch k is
 * folded, and writes a full change set while the next batches are read and folded, so two
 * Postgres backends and this process work at the same time. `verify` replays the store into
 * temporary tables the same way (`reader` and `tx` then being one snapshot transaction).
 */
export async function replay(
  reader: SqlClient,
  tx: SqlClient,
  range: SeqRange,
  options: { batchSize: number; flushRows: number; onBatch: (replayed: Replayed) => void },
): Promise<Replayed> {
  const batches = eventBatchesInSeqRange(reader, range, options.batchSize);
  const replayed: Replayed = { done: 0, projected: 0, reclassified: [] };
  let changes = new ChangeSet();
  let writing: Promise<unknown> = Promise.resolve();
  let next = inFlight(batches.next());
  for (;;) {
    const current = await next;
    if (current.done === true) break;
    next = inFlight(batches.next());
    await foldBatch(current.value, changes, replayed);
    if (changes.size >= options.flushRows) {
      await writing;
      writing = inFlight(applyChanges(tx, changes));
      changes = new ChangeSet();
    }
    options.onBatch(replayed);
  }
  await writing;
  await applyChanges(tx, changes);
  return replayed;
}

/** Points the unqualified table names of `tx`'s statements at the new read models. */
async function writeIntoShadow(tx: SqlClient, schema: string): Promise<void> {
  await tx.$executeRawUnsafe(`SET LOCAL search_path = ${REBUILD_SCHEMA}, "${schema.replaceAll('"', '""')}"`);
}

/** The switch gave way to a reader or writer (lock timeout), or lost a deadlock to one. */
function isLockConflict(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state === '55P03' || state === '40P01';
}

const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Rebuilds every read model from the event store, blue/green, while live projection goes on:
 *
 * 1. `preparing`: empty copies of the read-model tables in a schema of their own
 *    ({@link REBUILD_SCHEMA}, dropped and created afresh by each run).
 * 2. `loading`: every event up to a settled `seq` is read with the current catalog (an event
 *    it did not know before is projected now), folded in memory with the same merges as live
 *    processing, and written with the same upserts whenever `flushRows` rows are folded, so the
 *    result is that of live processing by construction. Then the other indexes are built.
 * 3. `catching-up`: the events appended meanwhile, range by settled range, the same way.
 * 4. `switching`: one short transaction locks the live tables (readers wait for it from
 *    here), takes the projection lock exclusively (appends wait), folds in the last events,
 *    records the new classifications, and moves the new tables into the place of the old ones.
 *    If it cannot get its locks at once it gives way, catches up and tries again.
 *
 * Until the switch commits, the API answers from the previous read models and workers keep
 * projecting into them; a rebuild killed at any point (or failing) leaves them in place and
 * the queue running, and the next run drops what it left. One rebuild runs at a time
 * ({@link RebuildAlreadyRunningError}); `rebuild_runs` records each.
 */
export async function rebuildReadModels(
  db: RebuildClient,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const batchSize = options.batchSize ?? 5000;
  const flushRows = options.flushRows ?? 50_000;
  const timeout = options.timeoutMs ?? 6 * 60 * 60 * 1000;
  const switchLockTimeoutMs = options.switchLockTimeoutMs ?? 500;
  const switchAttempts = options.switchAttempts ?? 20;
  const onPhase = async (phase: RebuildPhase) => options.onPhase?.(phase);
  const started = performance.now();
  let runId: bigint | undefined;
  const total = { done: 0, projected: 0, reclassified: [] as EventClassification[], caughtUp: 0 };
  let known = 0;
  const progress = (replayed: Replayed) =>
    options.onProgress?.({
      done: total.done + replayed.done,
      total: Math.max(known, total.done + replayed.done),
    });
  const add = (replayed: Replayed) => {
    total.done += replayed.done;
    total.projected += replayed.projected;
    total.reclassified.push(...replayed.reclassified);
  };
  /** Replays a range in a transaction of its own, into the new tables. */
  const replayRange = (range: SeqRange) =>
    db.$transaction(
      async (tx) => {
        await writeIntoShadow(tx, schema);
        return replay(db, tx, range, { batchSize, flushRows, onBatch: progress });
      },
      { timeout, maxWait: 60_000 },
    );
  let schema = 'public';

  try {
    // The guard: a transaction that holds the rebuild lock for the whole run (Postgres lets it
    // go with the connection if this process dies) and, at the end, does the switch.
    await db.$transaction(
      async (guard) => {
        const [lock] = await guard.$queryRawUnsafe<{ locked: boolean }[]>(
          `SELECT pg_try_advisory_xact_lock(${REBUILD_LOCK_ID}) AS locked`,
        );
        if (lock?.locked !== true) throw new RebuildAlreadyRunningError();
        // It waits idle while other connections load: no session limit may end it.
        await guard.$executeRawUnsafe('SET LOCAL idle_in_transaction_session_timeout = 0');
        runId = await startRun(db);
        schema = await liveSchema(db);

        await dropLeftovers(db);
        await createShadowTables(db, schema);
        await onPhase('preparing');

        let upTo = await settledSeq(db);
        const [count] = await db.$queryRawUnsafe<{ n: bigint }[]>(
          'SELECT count(*) AS n FROM events WHERE seq <= $1::bigint',
          upTo.toString(),
        );
        known = Number(count?.n ?? 0);
        options.onProgress?.({ done: 0, total: known });
        await recordPhase(db, runId, 'loading', 0);
        await onPhase('loading');
        add(await replayRange({ after: 0n, upTo }));
        await createSecondaryIndexes(db, schema);

        await recordPhase(db, runId, 'catching-up', total.done);
        await onPhase('catching-up');
        for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
          const next = await settledSeq(db);
          if (next === upTo) break;
          const caughtUp = await replayRange({ after: upTo, upTo: next });
          add(caughtUp);
          total.caughtUp += caughtUp.done;
          upTo = next;
          // A round short enough means the switch's own catch-up will be as short.
          if (caughtUp.done <= batchSize) break;
        }

        await recordPhase(db, runId, 'switching', total.done);
        for (let attempt = 1; ; attempt++) {
          await guard.$executeRawUnsafe('SAVEPOINT mirror_switch');
          try {
            await guard.$executeRawUnsafe(`SET LOCAL lock_timeout = '${switchLockTimeoutMs}ms'`);
            await guard.$executeRawUnsafe(lockLiveTablesSql(schema));
            const last = await maxSeqUnderLock(guard);
            await guard.$executeRawUnsafe('SET LOCAL lock_timeout = 0');
            await writeIntoShadow(guard, schema);
            const final = await replay(
              guard,
              guard,
              { after: upTo, upTo: last },
              {
                batchSize,
                flushRows,
                onBatch: progress,
              },
            );
            await reclassifyEvents(guard, [...total.reclassified, ...final.reclassified]);
            await swapInShadowTables(guard, schema);
            await finishRun(guard, runId, { status: 'succeeded', events: total.done + final.done });
            await onPhase('switching');
            await guard.$executeRawUnsafe('RELEASE SAVEPOINT mirror_switch');
            add(final);
            total.caughtUp += final.done;
            break;
          } catch (error) {
            if (!isLockConflict(error) || attempt >= switchAttempts) throw error;
            await guard.$executeRawUnsafe('ROLLBACK TO SAVEPOINT mirror_switch');
            // Readers or writers held the tables: catch up with what they appended, then retry.
            const next = await settledSeq(db);
            if (next !== upTo) {
              const caughtUp = await replayRange({ after: upTo, upTo: next });
              add(caughtUp);
              total.caughtUp += caughtUp.done;
              upTo = next;
            }
          }
        }
      },
      { timeout, maxWait: 60_000 },
    );
  } catch (error) {
    if (runId !== undefined) {
      // Another connection: the guard's transaction has rolled back by now.
      await finishRun(db, runId, { status: 'failed', error: errorMessage(error) }).catch(() => undefined);
      await dropLeftovers(db).catch(() => undefined);
    }
    throw error;
  }
  await onPhase('done');
  // The previous read models, now unused; a run killed before this drops them next time.
  await dropLeftovers(db);

  const durationMs = performance.now() - started;
  return {
    events: total.done,
    projected: total.projected,
    reclassified: total.reclassified.length,
    caughtUp: total.caughtUp,
    durationMs,
    eventsPerSecond: durationMs > 0 ? (total.done / durationMs) * 1000 : 0,
  };
}
