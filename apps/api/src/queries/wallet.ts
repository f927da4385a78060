import { Prisma } from '@mirror/db';
import type { ReadDb } from '../deps';
import type { WalletTransaction } from '../schemas/wallet';
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
