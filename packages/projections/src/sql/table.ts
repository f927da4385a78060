import { rowsRecordset, type RowColumn, type SqlParams } from '@mirror/event-store';

/** One column of a read-model table, and how a row gives its value. */
export type ColumnSpec<Row> = RowColumn<Row>;

/**
 * A read-model table: its rows' natural key, how two rows with the same key merge in memory,
 * and the same merge in SQL. Merges are commutative and associative, which is what lets one
 * applier write a single event (live) or a folded batch of thousands (rebuild) with the same
 * result.
 */
export interface TableSpec<Row> {
  table: string;
  /** The primary key columns: the ON CONFLICT target. */
  conflictTarget: readonly string[];
  columns: readonly ColumnSpec<Row>[];
  /** The natural key as one string (parts joined by U+0000, which no stored text contains). */
  key(row: Row): string;
  merge(a: Row, b: Row): Row;
  /** The SET list of `ON CONFLICT DO UPDATE`: the same merge as `merge`, in SQL. */
  onConflictSet: readonly string[];
  /** WHERE of the DO UPDATE, when the stored row may already be the merge's result. */
  onConflictWhere?: string;
}

/**
 * `INSERT ... SELECT FROM unnest(...) ON CONFLICT DO UPDATE` for rows with distinct keys, written
 * in key order so that concurrent transactions lock rows in the same order (no deadlocks
 * between two events that touch the same rows).
 *
 * @param guard - a boolean SQL condition; rows are written only when it holds (used to project
 *   an event only if its append was new).
 */
export function upsertStatement<Row>(
  spec: TableSpec<Row>,
  rows: readonly Row[],
  params: SqlParams,
  guard?: string,
): string {
  const sorted = rows
    .map((row) => ({ row, key: spec.key(row) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ row }) => row);
  const select = rowsRecordset(params, spec.columns, sorted);
  const where = spec.onConflictWhere === undefined ? '' : `\n  WHERE ${spec.onConflictWhere}`;
  // A table of keys alone has nothing to merge: DO NOTHING, which (unlike a DO UPDATE, even one
  // whose WHERE is false) leaves an existing row unlocked.
  const onConflict =
    spec.onConflictSet.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET\n  ${spec.onConflictSet.join(',\n  ')}${where}`;
  return `INSERT INTO ${spec.table} AS t (${spec.columns.map((c) => c.name).join(', ')})
${select}${guard === undefined ? '' : ` WHERE ${guard}`}
ON CONFLICT (${spec.conflictTarget.join(', ')}) ${onConflict}`;
}

/** Joins the parts of a composite natural key (see {@link TableSpec.key}). */
export function compositeKey(...parts: string[]): string {
  return parts.join('\u0000');
}
