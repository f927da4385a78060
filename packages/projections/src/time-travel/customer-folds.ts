import type { SqlClient } from '@mirror/event-store';
import { type FoldedCustomer, foldCustomerHistory } from './customer-history';

/** Options of {@link CustomerFolds}. */
export interface CustomerFoldsOptions {
  /** A kept fold every this many of a customer's own events. @defaultValue 250 */
  eventsPerCheckpoint?: number;
  /**
   * Rows and event keys held over all kept folds (a fold of 10,000 events holds ~16,000); the
   * customers asked about least recently are dropped first. @defaultValue 2,000,000
   */
  maxEntries?: number;
}

/** A kept fold, and from which transaction id on the store is to be checked for it. */
interface Checkpoint {
  fold: FoldedCustomer;
  /**
   * Every event stored by a transaction below this id was visible to the fold or has been
   * checked since: late events are looked for from here on (see `events.tx_id`).
   */
  horizon: bigint;
}

/** A customer's kept folds, oldest instant first. */
interface Chain {
  checkpoints: Checkpoint[];
  entries: number;
}

const entriesOf = (c: Checkpoint) => c.fold.changes.size + c.fold.seen.size;

/**
 * Snapshots for `asOf`: folds of a customer's history kept at instants every few hundred of
 * their events, so that the customer at T is the newest kept fold at or before T plus the few
 * events received since (see {@link foldCustomerHistory}'s `from`), not a fold of the whole
 * history. A kept fold stands for the events received at or before its instant; it is dropped
 * as soon as an event received at or before that instant is stored after it was made (a late
 * delivery, a reconcile repair, an import): before each answer, the events stored since the
 * last check are looked at (one query over the `tx_id` index), so snapshots never change an
 * answer. Kept in this process's memory: one per API process, gone on restart.
 */
export class CustomerFolds {
  private readonly chains = new Map<string, Chain>();
  private readonly eventsPerCheckpoint: number;
  private readonly maxEntries: number;
  private entries = 0;

  constructor(options: CustomerFoldsOptions = {}) {
    this.eventsPerCheckpoint = options.eventsPerCheckpoint ?? 250;
    this.maxEntries = options.maxEntries ?? 2_000_000;
  }

  /**
   * The customer's fold at `until`, as {@link foldCustomerHistory} gives it. The caller must not
   * change it (it may be a kept one).
   */
  async foldAt(db: SqlClient, sourceId: string, until: Date): Promise<FoldedCustomer> {
    const { chain, horizon } = await this.validChain(db, sourceId);
    let base = chain.checkpoints.filter((c) => c.fold.until.getTime() <= until.getTime()).at(-1)?.fold;
    for (const instant of await this.checkpointsBetween(db, sourceId, base, until)) {
      base = await foldCustomerHistory(db, sourceId, instant, base);
      this.keep(chain, { fold: base, horizon });
    }
    this.evict(sourceId);
    return base !== undefined && base.until.getTime() === until.getTime()
      ? base
      : foldCustomerHistory(db, sourceId, until, base);
  }

  /** Adds a checkpoint to a chain (unless a concurrent request kept the same instant first). */
  private keep(chain: Chain, checkpoint: Checkpoint): void {
    const at = checkpoint.fold.until.getTime();
    if (chain.checkpoints.some((c) => c.fold.until.getTime() === at)) return;
    chain.checkpoints = [...chain.checkpoints, checkpoint].sort(
      (a, b) => a.fold.until.getTime() - b.fold.until.getTime(),
    );
    chain.entries += entriesOf(checkpoint);
    this.entries += entriesOf(checkpoint);
  }

  /**
   * The customer's chain, now the most recently used, without the folds that events stored
   * since they were checked make stale; and the horizon of folds made from now on.
   */
  private async validChain(db: SqlClient, sourceId: string): Promise<{ chain: Chain; horizon: bigint }> {
    const chain = this.chains.get(sourceId) ?? { checkpoints: [], entries: 0 };
    this.chains.delete(sourceId);
    this.chains.set(sourceId, chain);
    const checkpoints = chain.checkpoints;
    const from = checkpoints.reduce<bigint | null>(
      (h, c) => (h === null || c.horizon < h ? c.horizon : h),
      null,
    );
    // One statement, one snapshot: every transaction below `horizon` has ended, so whatever it
    // stored is among the events read here, and visible to every fold made after this.
    const [check] = await db.$queryRawUnsafe<{ horizon: string; earliest: Date | null }[]>(
      `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
              (SELECT min(received_at) FROM events WHERE tx_id >= $1::bigint) AS earliest`,
      from?.toString() ?? null,
    );
    if (check === undefined) throw new Error('no horizon');
    const horizon = BigInt(check.horizon);
    const earliest = check.earliest?.getTime() ?? Infinity;
    // Only the checkpoints that were there when checking: others may have come in since.
    for (const c of checkpoints) {
      if (c.fold.until.getTime() >= earliest) {
        chain.checkpoints = chain.checkpoints.filter((kept) => kept !== c);
        chain.entries -= entriesOf(c);
        this.entries -= entriesOf(c);
      } else if (c.horizon < horizon) {
        c.horizon = horizon;
      }
    }
    return { chain, horizon };
  }

  /**
   * Instants after `base` and before `until` to keep folds at: after every
   * `eventsPerCheckpoint` of the customer's own events (an instant holds every event of its
   * millisecond).
   */
  private async checkpointsBetween(
    db: SqlClient,
    sourceId: string,
    base: FoldedCustomer | undefined,
    until: Date,
  ): Promise<Date[]> {
    const rows = await db.$queryRawUnsafe<{ at: Date }[]>(
      `SELECT received_at AS at FROM (
         SELECT received_at, row_number() OVER (ORDER BY received_at) AS n FROM events
         WHERE source_id = $1 AND ($2::timestamptz IS NULL OR received_at > $2::timestamptz)
           AND received_at < $3::timestamptz
       ) e WHERE n % $4 = 0 ORDER BY received_at`,
      sourceId,
      base?.until.toISOString() ?? null,
      until.toISOString(),
      this.eventsPerCheckpoint,
    );
    const instants = [...new Set(rows.map((r) => r.at.getTime()))];
    return instants.map((ms) => new Date(ms));
  }

  /** Drops the least recently used chains (never `keep`) while over the budget. */
  private evict(keep: string): void {
    for (const [sourceId, chain] of this.chains) {
      if (this.entries <= this.maxEntries) return;
      if (sourceId === keep) continue;
      this.chains.delete(sourceId);
      this.entries -= chain.entries;
    }
  }
}
