import type { SqlClient, SqlParams } from '@mirror/event-store';
import { SqlParams as Params } from '@mirror/event-store';
import type { ChangeSet } from './change-set';
import { TABLE_ORDER, TABLES } from './changes';
import { upsertStatement, type TableSpec } from './sql/table';

/**
 * One upsert per table that has rows in `changes`, in {@link TABLE_ORDER}.
 *
 * @param guard - SQL condition that every upsert requires (see `upsertStatement`).
 */
export function upsertStatements(changes: ChangeSet, params: SqlParams, guard?: string): string[] {
  const statements: string[] = [];
  for (const table of TABLE_ORDER) {
    const rows = changes.rows(table);
    // Sound: the rows of `table` go to the spec of `table`.
    const spec = TABLES[table] as TableSpec<unknown>;
    if (rows.length > 0) statements.push(upsertStatement(spec, rows, params, guard));
  }
  return statements;
}

/**
 * Several data-modifying statements as one: `WITH name AS (statement), ... <final>`. One round
 * trip, and a single statement is atomic even outside a transaction block.
 */
export function chainStatements(statements: readonly { name: string; sql: string }[], final: string): string {
  if (statements.length === 0) return final;
  return `WITH ${statements.map((s) => `${s.name} AS (\n${s.sql}\n)`).join(',\n')}\n${final}`;
}

/**
 * Merges folded changes into the read models in one statement. Used by the rebuild and by
 * multi-event appends, inside their transaction.
 */
export async function applyChanges(db: SqlClient, changes: ChangeSet): Promise<void> {
  const params = new Params();
  const statements = upsertStatements(changes, params);
  if (statements.length === 0) return;
  const sql = chainStatements(
    statements.map((statement, i) => ({ name: `upsert_${i}`, sql: statement })),
    'SELECT 1',
  );
  await db.$executeRawUnsafe(sql, ...params.values);
}
