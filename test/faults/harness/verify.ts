import { isDeepStrictEqual } from 'node:util';
import type { PrismaClient } from '@mirror/db';
import { rebuildReadModels } from '@mirror/projections';
import type { WebhookBullQueue } from '@mirror/queue';
import { dumpReadModels, type ReadModelDump } from '../../support/read-model-dump';
import type { TrafficLedger } from './traffic';
import { identityOfKey } from '@mirror/delivery-identity';

/**
 * Waits until the queue holds no job that is still to run (waiting, active, delayed,
 * prioritized), polling through Redis outages. Failed jobs are not pending: they are reported.
 */
export async function waitForDrain(queue: WebhookBullQueue, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(counts).every((n) => n === 0)) return;
    } catch {
      // Redis is restarting; ask again.
    }
    if (Date.now() > deadline) throw new Error(`the queue did not drain within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The figures every scenario reports. */
export interface StoreFigures {
  /** Distinct deliveries (idempotency keys) answered 200. */
  acknowledged: number;
  /** Distinct idempotency keys in the event store. */
  stored: number;
  /** Stored rows beyond the first for a key (must be 0). */
  duplicated: number;
  /** Acknowledged keys absent from the event store (must be 0). */
  lost: number;
  /** Stored keys that were sent but never acknowledged (allowed: see RELIABILITY.md). */
  storedUnacknowledged: number;
  /** Stored keys that were never sent at all (must be 0). */
  unexpected: number;
  /** Jobs in BullMQ's failed set (must be 0: each would need `pnpm mirror retry-failed`). */
  failedJobs: number;
}

/**
 * Compares what the sender saw with the event store. The rule for unacknowledged deliveries:
 * an ingest that answered 503 after its enqueue timed out may still have had the job accepted
 * by Redis a moment later, and a sender that timed out may have missed a 200; either way the
 * body was sent, so it may be stored (once). A key that was never sent must never be stored.
 */
export async function storeFigures(
  prisma: PrismaClient,
  queue: WebhookBullQueue,
  ledger: TrafficLedger,
): Promise<StoreFigures> {
  const rows = await prisma.$queryRawUnsafe<{ key: string; n: number }[]>(
    'SELECT idempotency_key AS key, count(*)::int AS n FROM events GROUP BY idempotency_key',
  );
  // By identity: a content-identified body stored under two receipt stamps is one event twice.
  const stored = new Map<string, number>();
  for (const row of rows) {
    const identity = identityOfKey(row.key);
    stored.set(identity, (stored.get(identity) ?? 0) + row.n);
  }
  let duplicated = 0;
  let storedUnacknowledged = 0;
  let unexpected = 0;
  for (const [key, n] of stored) {
    duplicated += n - 1;
    if (!ledger.sent.has(key)) unexpected++;
    else if (!ledger.acknowledged.has(key)) storedUnacknowledged++;
  }
  let lost = 0;
  for (const key of ledger.acknowledged) if (!stored.has(key)) lost++;
  return {
    acknowledged: ledger.acknowledged.size,
    stored: stored.size,
    duplicated,
    lost,
    storedUnacknowledged,
    unexpected,
    failedJobs: await queue.getFailedCount(),
  };
}

/** Tables whose rows differ between two dumps, with a count of differing rows. */
function differences(before: ReadModelDump, after: ReadModelDump): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  const out: string[] = [];
  for (const table of tables) {
    const a = (before[table] ?? []).map((row) => JSON.stringify(row));
    const b = new Set((after[table] ?? []).map((row) => JSON.stringify(row)));
    const missing = a.filter((row) => !b.has(row));
    if (missing.length > 0 || a.length !== b.size) {
      out.push(
        `${table}: ${a.length} live rows, ${b.size} rebuilt, ${missing.length} differ; first: ${missing[0] ?? '-'}`,
      );
    }
  }
  return out;
}

/**
 * Dumps every read model, rebuilds them all from the event store, dumps again: live
 * projection and rebuild must agree row for row. Returns the differences (none when equal).
 */
export async function compareWithRebuild(prisma: PrismaClient): Promise<string[]> {
  const live = await dumpReadModels(prisma);
  await rebuildReadModels(prisma);
  const rebuilt = await dumpReadModels(prisma);
  return isDeepStrictEqual(live, rebuilt) ? [] : differences(live, rebuilt);
}
