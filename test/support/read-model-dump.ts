import type { PrismaClient } from '@mirror/db';
import { TABLE_ORDER, TABLES } from '@mirror/projections';

/** Every read-model row, per table, in primary-key order, with values as plain JSON. */
export type ReadModelDump = Record<string, unknown[]>;

/**
 * Dumps all read models, ordered by primary key (in code point order), every column as its
 * Postgres text form, so two databases can be compared exactly with one `toEqual`.
 */
export async function dumpReadModels(prisma: PrismaClient): Promise<ReadModelDump> {
  const dump: ReadModelDump = {};
  for (const name of TABLE_ORDER) {
    const spec = TABLES[name];
    const columns = spec.columns.map((column) => `${column.name}::text AS ${column.name}`).join(', ');
    const order = spec.conflictTarget.map((column) => `${column} COLLATE "C"`).join(', ');
    dump[spec.table] = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${columns} FROM ${spec.table} ORDER BY ${order}`,
    );
  }
  return dump;
}

/** Wallet figures derived at read time from the ledger and the webhook rewards. */
export interface WalletFigures {
  credited: string;
  debited: string;
  balance: string;
  pendingRewardPoints: string;
}

/** A customer's wallet, derived as the API derives it. */
export async function walletOf(prisma: PrismaClient, sourceId: string): Promise<WalletFigures> {
  const [row] = await prisma.$queryRawUnsafe<WalletFigures[]>(
    `SELECT
       COALESCE(SUM(points) FILTER (WHERE direction = 'credit'), 0)::text AS credited,
       COALESCE(SUM(points) FILTER (WHERE direction = 'debit'), 0)::text AS debited,
       (COALESCE(SUM(points) FILTER (WHERE direction = 'credit'), 0)
        - COALESCE(SUM(points) FILTER (WHERE direction = 'debit'), 0))::text AS balance,
       (SELECT COALESCE(SUM(points), 0) FROM webhook_rewards
         WHERE source_id = $1 AND fulfilled_at IS NULL)::text AS "pendingRewardPoints"
     FROM wallet_transactions WHERE source_id = $1`,
    sourceId,
  );
  if (row === undefined) throw new Error('no wallet row');
  return row;
}
