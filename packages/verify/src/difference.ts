/**
 * One way in which a read model differs from what the event store gives: a column of a row, or
 * a whole row present on one side only (`column` is then {@link WHOLE_ROW}).
 */
export interface Difference {
  /** The source id of the customer the row belongs to; null for a row of no one customer (a segment, a referral in `--all`). */
  customer: string | null;
  /** The read-model table. */
  table: string;
  /** The row's natural key, e.g. `transaction_id=tx-1, direction=credit`. */
  row: string;
  column: string;
  /** The value folded from the event store, in Postgres' text form (null: SQL NULL); for a whole row, the row as JSON, or {@link NO_ROW}. */
  expected: string | null;
  /** The value the read model holds, in the same form. */
  found: string | null;
}

/** The `column` of a difference about a whole row. */
export const WHOLE_ROW = '(row)';

/** A whole row's side when the row is not there. */
export const NO_ROW = '(no row)';

const shown = (value: string | null) => (value === null ? 'NULL' : JSON.stringify(value));

/** One line: customer, table, row, column, expected, found. */
export function formatDifference(d: Difference): string {
  const expected = d.column === WHOLE_ROW && d.expected === NO_ROW ? NO_ROW : shown(d.expected);
  const found = d.column === WHOLE_ROW && d.found === NO_ROW ? NO_ROW : shown(d.found);
  return `customer ${d.customer ?? '-'} | ${d.table} (${d.row}) | ${d.column}: expected ${expected}, found ${found}`;
}
