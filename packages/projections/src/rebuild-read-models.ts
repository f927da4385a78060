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

/** What {@link rebuildReadModels} needs from Prisma. */
export type RebuildClient = Pick<PrismaClient, '$transaction'>;

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
   * Events read, folded and written per round trip.
   * @defaultValue 5000
   */
  batchSize?: number;
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

async function replayBatch(
  tx: SqlClient,
  batch: readonly StoredEvent[],
): Promise<{ projected: number; reclassified: number }> {
  const changes = new ChangeSet();
  const reclassified: EventClassification[] = [];
  let projected = 0;
  for (const stored of batch) {
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
  await applyChanges(tx, changes);
  await reclassifyEvents(tx, reclassified);
  return { projected, reclassified: reclassified.length };
}

/**
 * Drops every read model and recomputes it from the event store, in receipt order, in
 * batches: each batch is read, re-read with the current catalog (so an event it did not know
 * before is projected now), folded in memory and merged with the same upserts as live
 * processing, which makes the result identical to live processing by construction.
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
  const started = performance.now();
  return db.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(LOCK_EXCLUSIVE_SQL);
      const total = await countEvents(tx);
      for (const table of TABLE_ORDER) await tx.$executeRawUnsafe(`DELETE FROM ${TABLES[table].table}`);
      let done = 0;
      let projected = 0;
      let reclassified = 0;
      options.onProgress?.({ done, total });
      for await (const batch of eventBatchesInReceiptOrder(tx, batchSize)) {
        const result = await replayBatch(tx, batch);
        done += batch.length;
        projected += result.projected;
        reclassified += result.reclassified;
        options.onProgress?.({ done, total: Math.max(total, done) });
      }
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
