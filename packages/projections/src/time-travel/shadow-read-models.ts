import type { PrismaClient } from '@mirror/db';
import { TABLE_ORDER, TABLES } from '../changes';

/** A transaction client (the same raw-SQL methods as Prisma's). */
export type ShadowTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * One statement (one round trip) that creates every read-model table again as a temporary table
 * of the same shape and keys, dropped at commit. Postgres looks in the session's temporary schema
 * before `public` for an unqualified name, so the live upserts write into these. Used by
 * `verify`, which compares them with the live tables.
 */
export const CREATE_SHADOWS = `DO $$ BEGIN
${TABLE_ORDER.map((t) => {
  const table = TABLES[t].table;
  return `  CREATE TEMPORARY TABLE ${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING INDEXES) ON COMMIT DROP;`;
}).join('\n')}
END $$`;
