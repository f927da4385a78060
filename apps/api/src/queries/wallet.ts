import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { WalletHistoryEntry, WalletTransaction } from '../schemas/wallet';
import { amount, isoUtc } from '../sql/json';
import { whereAll } from '../sql/where';
import { pendingRewardPointsSql } from './rewards';

/**
 * A customer's wallet summary as a scalar JSON subquery: balance, credited and debited are
 * sums over the ledger (one entry per transaction and direction, so a transaction reported
 * twice counts once), pending points come from the webhook rewards.
 */
export function walletSummaryJson(sourceId: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT json_build_object(
      'balance', ${amount("coalesce(sum(CASE WHEN w.direction = 'debit' THEN -w.points ELSE w.points END), 0)")},
      'credited', ${amount("coalesce(sum(w.points) FILTER (WHERE w.direction = 'credit'), 0)")},
      'debited', ${amount("coalesce(sum(w.points) FILTER (WHERE w.direction = 'debit'), 0)")},
      'pendingRewardPoints', ${pendingRewardPointsSql(sourceId)})
    FROM wallet_transactions w WHERE w.source_id = ${sourceId})`;
}

/** Where a page of transactions starts: the sort key of the previous page's last row. */
export interface WalletCursorKey {
  occurredAt: string;
  transactionId: string;
  direction: string;
}

/**
 * A customer's ledger in time order (ties by transaction id and direction), an index range
 * scan on `wallet_transactions(source_id, occurred_at, transaction_id, direction)`.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listWalletTransactions(
  db: ReadDb,
  sourceId: string,
  page: { after?: WalletCursorKey | undefined; limit: number },
): Promise<WalletTransaction[]> {
  const after = page.after;
  const rows = await db.$queryRaw<{ item: WalletTransaction }[]>`
    SELECT json_build_object(
      'transactionId', w.transaction_id,
      'direction', w.direction,
      'points', ${amount('w.points')},
      'description', w.description,
      'occurredAt', ${isoUtc('w.occurred_at')}) AS item
    FROM wallet_transactions w
    ${whereAll([
      Prisma.sql`w.source_id = ${sourceId}`,
      after === undefined
        ? undefined
        : Prisma.sql`(w.occurred_at, w.transaction_id, w.direction)
            > (${after.occurredAt}::timestamptz, ${after.transactionId}, ${after.direction})`,
    ])}
    ORDER BY w.occurred_at, w.transaction_id, w.direction
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => row.item);
}

/** Where a page of the balance history starts: the receipt order of the previous page's last entry. */
export interface WalletHistoryCursorKey {
  stamp: string;
  stampKey: string;
  transactionId: string;
  direction: string;
}

/** A history entry and its position in receipt order (for the cursor). */
export interface WalletHistoryRow {
  item: WalletHistoryEntry;
  stamp: string;
  stampKey: string;
}

/**
 * A customer's balance after each ledger entry, in receipt order (the receipt stamp and key of
 * each entry's first report, then transaction id and direction). The running sum is taken over
 * the whole ledger before a page is cut from it, so every page's balances are absolute.
 * @returns up to `limit + 1` rows (see `toPage`).
 */
export async function listWalletHistory(
  db: ReadDb,
  sourceId: string,
  page: { after?: WalletHistoryCursorKey | undefined; limit: number },
): Promise<WalletHistoryRow[]> {
  const after = page.after;
  const rows = await db.$queryRaw<{ item: WalletHistoryEntry; stamp: string; stamp_key: string }[]>`
    SELECT json_build_object(
        'transactionId', h.transaction_id,
        'direction', h.direction,
        'points', ${amount('h.points')},
        'balance', ${amount('h.balance')},
        'occurredAt', ${isoUtc('h.occurred_at')},
        'receivedAt', ${isoUtc('h.received_at')}) AS item,
      h.stamp::text AS stamp, h.stamp_key
    FROM (
      SELECT w.transaction_id, w.direction, w.points, w.occurred_at, w.stamp, w.stamp_key,
        -- The entry's first report, by its idempotency key (unique index).
        (SELECT e.received_at FROM events e WHERE e.idempotency_key = w.stamp_key) AS received_at,
        sum(CASE WHEN w.direction = 'debit' THEN -w.points ELSE w.points END)
          OVER (ORDER BY w.stamp, w.stamp_key COLLATE "C", w.transaction_id COLLATE "C", w.direction) AS balance
      FROM wallet_transactions w
      WHERE w.source_id = ${sourceId}) h
    ${whereAll([
      after === undefined
        ? undefined
        : Prisma.sql`(h.stamp, h.stamp_key COLLATE "C", h.transaction_id COLLATE "C", h.direction)
            > (${after.stamp}::bigint, ${after.stampKey} COLLATE "C", ${after.transactionId} COLLATE "C", ${after.direction})`,
    ])}
    ORDER BY h.stamp, h.stamp_key COLLATE "C", h.transaction_id COLLATE "C", h.direction
    LIMIT ${page.limit + 1}`;
  return rows.map((row) => ({ item: row.item, stamp: row.stamp, stampKey: row.stamp_key }));
}
