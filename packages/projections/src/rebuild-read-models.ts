import type { PrismaClient } from '@mirror/db';
import {
  countEvents,
  type EventClassification,
  eventBatchesInReceiptOrder,
  reclassifyEvents,
  type SqlClient,
  type StoredEvent,
} from '@mirror/event-store';
import { applyChanges } from './apply-changes';
import { ChangeSet } from './change-set';
import { TABLE_ORDER, TABLES } from './changes';
import { LOCK_EXCLUSIVE_SQL } from './projection-lock';
import { readBody } from './read-delivery';

/** What {@link rebuildReadModels} needs from Prisma: a transaction, and the pool to read from. */
export type RebuildClient = Pick<PrismaClient, '$transaction' | '$queryRawUnsafe' | '$executeRawUnsafe'>;

/** Progress of a rebuild, after each batch. */
export interface RebuildProgress {
  /** Events replayed so far. */
  done: number;
  /** Events in the store when the rebuild started. */
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
   * Longest the whole rebuild may take before it is rolled back.
   * @defaultValue 6 hours
   */
  timeoutMs?: number;
}

/** What a rebuild did. */
export interface RebuildReport {
  /** Events replayed. */
  events: number;
  /** Of which projected (the others are `unrecognized` or `invalid`). */
  projected: number;
  /** Events whose status, name or reason the current catalog reads differently than stored. */
  reclassified: number;
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

/**
 * Folds a batch into `changes`; returns the classifications that changed. Gives the event loop
 * a turn every few hundred events, so the next batch is read and the previous change set
 * written while this one is folded.
 */
async function foldBatch(
  batch: readonly StoredEvent[],
  changes: ChangeSet,
): Promise<{ projected: number; reclassified: EventClassification[] }> {
  const reclassified: EventClassification[] = [];
  let projected = 0;
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
    if (event.status === 'projected') projected += 1;
    if (classificationChanged(stored, event)) reclassified.push(event);
    changes.addAll(eventChanges);
  }
  return { projected, reclassified };
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
 * Replays every event: reads batch k+1 while batch k is folded, and writes a full change set
 * (in the transaction) while the next batches are read (on another connection) and folded, so
 * two Postgres backends and this process work at the same time.
 */
async function replay(
  reader: SqlClient,
  tx: SqlClient,
  options: Required<Pick<RebuildOptions, 'batchSize' | 'flushRows'>> & Pick<RebuildOptions, 'onProgress'>,
  total: number,
  clearing: Promise<unknown>,
): Promise<{ done: number; projected: number; reclassified: number }> {
  const batches = eventBatchesInReceiptOrder(reader, options.batchSize);
  let changes = new ChangeSet();
  // The first write waits for the read models to be cleared; reading and folding need not.
  let writing: Promise<unknown> = clearing;
  const result = { done: 0, projected: 0, reclassified: 0 };
  let next = inFlight(batches.next());
  for (;;) {
    const current = await next;
    if (current.done === true) break;
    next = inFlight(batches.next());
    const folded = await foldBatch(current.value, changes);
    result.done += current.value.length;
    result.projected += folded.projected;
    result.reclassified += folded.reclassified.length;
    if (folded.reclassified.length > 0)
      writing = inFlight(Promise.all([writing, reclassifyEvents(tx, folded.reclassified)]));
    if (changes.size >= options.flushRows) {
      await writing;
      writing = inFlight(applyChanges(tx, changes));
      changes = new ChangeSet();
    }
    options.onProgress?.({ done: result.done, total: Math.max(total, result.done) });
  }
  await writing;
  await applyChanges(tx, changes);
  return result;
}

/**
 * Drops every read model and recomputes it from the event store, in receipt order, in
 * batches: each batch is read and re-read with the current catalog (so an event it did not know
 * before is projected now); its changes are folded in memory with the same merges as live
 * processing and written with the same upserts whenever `flushRows` rows are folded, which
 * makes the result identical to live processing by construction.
 *
 * It runs as one transaction holding the projection lock exclusively: live appends (workers,
 * the API's fulfilment) wait for it and then proceed, so no event is lost and none is
 * projected twice. Readers keep seeing the previous read models until it commits (rows are
 * deleted, not truncated, so readers are never blocked), and a failure rolls everything back.
 * Callers should also pause the queue for the duration (see the CLI's `rebuild`), so workers
 * do not sit blocked on the lock.
 */
export async function rebuildReadModels(
  db: RebuildClient,
  options: RebuildOptions = {},
): Promise<RebuildReport> {
  const batchSize = options.batchSize ?? 5000;
  const flushRows = options.flushRows ?? 50_000;
  const started = performance.now();
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(LOCK_EXCLUSIVE_SQL);
      const total = await countEvents(tx);
      const clearing = inFlight(
        (async () => {
          for (const table of TABLE_ORDER) await tx.$executeRawUnsafe(`DELETE FROM ${TABLES[table].table}`);
        })(),
      );
      options.onProgress?.({ done: 0, total });
      // While this transaction holds the lock exclusively no append can commit, so another
      // connection reads the same, frozen event store, and reading overlaps writing.
      const { done, projected, reclassified } = await replay(
        db,
        tx,
        { batchSize, flushRows, onProgress: options.onProgress },
        total,
        clearing,
      );
      const durationMs = performance.now() - started;
      return {
        events: done,
        projected,
        reclassified,
        durationMs,
        eventsPerSecond: durationMs > 0 ? (done / durationMs) * 1000 : 0,
      };
    },
    { timeout: options.timeoutMs ?? 6 * 60 * 60 * 1000, maxWait: 60_000 },
  );
}
