import { replay } from '@mirror/projections';
import { readModelDiffSql, type DifferingRow, differencesOf } from './compare-sql';
import type { Difference } from './difference';
import type { Snapshot } from './snapshot';

/** What verifying the whole store gave. */
export interface StoreCheck {
  events: number;
  customers: number;
  differences: Difference[];
}

/**
 * Recomputes every read model from every event of the snapshot, as a rebuild does (the same
 * replay: batches read with the current catalog, folded with the projections' merges, written
 * with the live upserts), into the temporary copies, then compares them with the live tables,
 * every row of every table, global ones (segments, coupons, referrals, identities) included.
 */
export async function verifyWholeStore(
  { tx, live }: Snapshot,
  options: { batchSize: number; flushRows: number },
): Promise<StoreCheck> {
  const [top] = await tx.$queryRawUnsafe<{ seq: bigint }[]>(
    'SELECT COALESCE(max(seq), 0)::bigint AS seq FROM events',
  );
  const replayed = await replay(
    tx,
    tx,
    { after: 0n, upTo: top?.seq ?? 0n },
    { ...options, onBatch: () => {} },
  );
  const rows = await tx.$queryRawUnsafe<DifferingRow[]>(readModelDiffSql(live, false));
  const [customers] = await tx.$queryRawUnsafe<{ n: bigint }[]>(
    'SELECT count(*) AS n FROM (SELECT source_id FROM pg_temp.customers UNION SELECT source_id FROM ' +
      `"${live.replaceAll('"', '""')}".customers) c`,
  );
  return {
    events: replayed.done,
    customers: Number(customers?.n ?? 0),
    differences: rows.flatMap((row) => differencesOf(row)),
  };
}
