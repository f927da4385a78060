import type { PrismaClient } from '@mirror/db';
import { applyChanges } from '../apply-changes';
import type { ChangeSet } from '../change-set';
import { TABLE_ORDER, TABLES } from '../changes';

/** What {@link withShadowReadModels} needs from Prisma: an interactive transaction. */
export type ShadowClient = Pick<PrismaClient, '$transaction'>;

/** The transaction client the reader gets (the same raw-SQL methods as Prisma's). */
export type ShadowTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * One statement (one round trip) that creates every read-model table again as a temporary table
 * of the same shape and keys, dropped at commit. Postgres looks in the session's temporary schema
 * before `public` for an unqualified name, so the very read queries of the live API (and the
 * live upserts) see these. Used by `asOf` and by `verify`.
 */
export const CREATE_SHADOWS = `DO $$ BEGIN
${TABLE_ORDER.map((t) => {
  const table = TABLES[t].table;
  return `  CREATE TEMPORARY TABLE ${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP;`;
}).join('\n')}
END $$`;

/**
 * Runs `read` in a transaction where every read-model table is replaced by a temporary copy
 * holding only `changes`, written with the live upsert. Used to answer "as of" questions and
 * to verify: folded rows go through the same writer and the same read queries as live rows, so
 * the answer has the live shape by construction. Nothing outside the transaction sees them.
 */
export async function withShadowReadModels<T>(
  db: ShadowClient,
  changes: ChangeSet,
  read: (tx: ShadowTx) => Promise<T>,
): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(CREATE_SHADOWS);
    await applyChanges(tx, changes);
    return read(tx);
  });
}
