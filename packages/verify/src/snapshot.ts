import { Prisma, type PrismaClient } from '@mirror/db';
import { CREATE_SHADOWS, type ShadowTx, TABLE_ORDER, TABLES, chainStatements } from '@mirror/projections';

/** The snapshot transaction verify reads in. */
export type SnapshotTx = ShadowTx;

/** What {@link withSnapshot} hands on. */
export interface Snapshot {
  tx: SnapshotTx;
  /** The schema of the live read models (the recomputed ones are in `pg_temp`). */
  live: string;
}

/**
 * Runs `fn` in one REPEATABLE READ transaction: every read sees the store and the read models
 * as they were at its first statement, whatever the workers commit meanwhile (each of them
 * appends an event and projects it in one transaction, so the two always agree in a snapshot).
 * It takes no lock but the ACCESS SHARE every read takes, so appends and projections never
 * wait for it. First it creates empty temporary copies of the read-model tables (private to
 * this session, dropped at commit) for the recomputed rows, which the live upserts write into;
 * then it turns READ ONLY, so that nothing but those copies can be written.
 */
export async function withSnapshot<T>(
  prisma: Pick<PrismaClient, '$transaction'>,
  timeoutMs: number,
  fn: (snapshot: Snapshot) => Promise<T>,
): Promise<T> {
  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ schema: string }[]>('SELECT current_schema() AS schema');
      if (row === undefined) throw new Error('no current schema');
      await tx.$executeRawUnsafe(CREATE_SHADOWS);
      await tx.$executeRawUnsafe('SET TRANSACTION READ ONLY');
      // Times in differences read the same wherever verify runs.
      await tx.$executeRawUnsafe("SET LOCAL TimeZone = 'UTC'");
      // A long fold leaves the transaction idle between statements; it must not be ended for it.
      await tx.$executeRawUnsafe('SET LOCAL idle_in_transaction_session_timeout = 0');
      return fn({ tx, live: row.schema });
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: timeoutMs, maxWait: 60_000 },
  );
}

/** Empties the temporary copies (between two customers), in one statement. */
export const CLEAR_RECOMPUTED = chainStatements(
  TABLE_ORDER.map((table, i) => ({ name: `clear_${i}`, sql: `DELETE FROM pg_temp.${TABLES[table].table}` })),
  'SELECT 1',
);
