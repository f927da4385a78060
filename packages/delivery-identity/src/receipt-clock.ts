/**
 * The receipt stamp of an accepted event: when this process accepted it, plus a tie-breaker.
 * Last-writer-wins read models are ordered by it (DESIGN.md, invariant 3), never by processing
 * time.
 */
export interface ReceiptStamp {
  /**
   * Microsecond-resolution hybrid clock value: `max(now_ms × 1000, previous + 1)`. Strictly
   * increasing within one process, so two events accepted in the same millisecond still have an
   * order (up to 1000 events per millisecond before it runs ahead of the wall clock).
   */
  stamp: bigint;
  /** Wall-clock accept time in ms since the epoch (what `Date.now()` said). */
  receivedAt: number;
}

/**
 * A per-process monotonic hybrid clock. One instance per process: two clocks in one process
 * could hand out equal stamps. Across processes (ingest replicas), equal stamps are possible and
 * are broken downstream by the idempotency key, which is why no replica id is encoded here.
 *
 * Why not `process.hrtime`: it is monotonic but unrelated to wall-clock time, and stamps must
 * order events across replicas and restarts, which only the (NTP-synced) wall clock can do.
 */
export class ReceiptClock {
  private last = 0n;

  /** @param now - wall clock in ms; injectable so tests can freeze or rewind it. */
  constructor(private readonly now: () => number = Date.now) {}

  /** The next stamp; strictly greater than every stamp this clock handed out before. */
  next(): ReceiptStamp {
    const receivedAt = this.now();
    const wall = BigInt(receivedAt) * 1000n;
    // If the wall clock steps back (NTP correction) or more than 1000 events share a
    // millisecond, keep counting from the last stamp rather than going backwards.
    this.last = wall > this.last ? wall : this.last + 1n;
    return { stamp: this.last, receivedAt };
  }
}

/**
 * Orders two receipt stamps serialized as decimal strings (as in `WebhookJobData.receiptStamp`).
 * Plain string comparison would be wrong once the stamps differ in length.
 */
export function compareReceiptStamps(a: string, b: string): -1 | 0 | 1 {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
