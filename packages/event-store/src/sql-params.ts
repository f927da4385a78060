/**
 * Bind parameters of one SQL statement, built alongside its text. Every value travels as text
 * (or an array of text) with an explicit cast in the SQL, so the driver never has to guess a
 * type and JavaScript numbers never lose precision on the way (bigint stamps, decimal amounts).
 */
export class SqlParams {
  /** The values, in placeholder order: pass them after the SQL text. */
  readonly values: (string | null | (string | null)[])[] = [];

  /**
   * Adds a parameter and returns its placeholder with the cast, e.g. `$3::bigint[]`.
   *
   * @param type - a Postgres type name, with `[]` for an array parameter.
   */
  add(value: string | null | (string | null)[], type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** One column of a set of rows passed to Postgres as an array (see {@link unnestRows}). */
export interface UnnestColumn {
  /** Postgres type of one element, e.g. `text`, `timestamptz`, `numeric`. */
  type: string;
  values: (string | null)[];
}

/**
 * `SELECT * FROM unnest($1::text[], $2::bigint[], ...)`: many rows in one parameter per column,
 * so a statement's size does not depend on how many rows it writes. Rows come out in array
 * order, which callers rely on to take row locks in a fixed order.
 */
export function unnestRows(params: SqlParams, columns: readonly UnnestColumn[]): string {
  const arrays = columns.map((column) => params.add(column.values, `${column.type}[]`));
  return `SELECT * FROM unnest(${arrays.join(', ')})`;
}
