import { type Change, type RowOf, type TableName, TABLES } from './changes';
import type { TableSpec } from './sql/table';

/**
 * Changes folded per table and natural key with each table's merge. Because merges are
 * commutative and associative, folding a batch in memory and then merging the result into the
 * stored rows gives what projecting the events one by one would: the rebuild folds thousands
 * of events per write, the live path one.
 */
export class ChangeSet {
  private readonly tables = new Map<TableName, Map<string, unknown>>();

  /** Folds one change in. */
  add(change: Change): void {
    // Sound: `change.row` is the row type of `change.table`, which TypeScript cannot correlate
    // through the union.
    const spec = TABLES[change.table] as TableSpec<unknown>;
    let rows = this.tables.get(change.table);
    if (rows === undefined) {
      rows = new Map();
      this.tables.set(change.table, rows);
    }
    const key = spec.key(change.row);
    const existing = rows.get(key);
    rows.set(key, existing === undefined ? change.row : spec.merge(existing, change.row));
  }

  /** Folds many changes in. */
  addAll(changes: Iterable<Change>): void {
    for (const change of changes) this.add(change);
  }

  /** Every folded row, as changes (to fold one set into another). */
  *changes(): Generator<Change> {
    // Sound: the rows stored under a table are rows of that table (see add).
    for (const [table, rows] of this.tables) for (const row of rows.values()) yield { table, row } as Change;
  }

  /** The folded rows of one table, one per natural key. */
  rows<T extends TableName>(table: T): RowOf<T>[] {
    // Sound: only rows of `table` are stored under it (see add).
    return [...(this.tables.get(table)?.values() ?? [])] as RowOf<T>[];
  }

  /**
   * A copy that folds on independently. Rows are shared, not copied: merges build new rows and
   * never change the ones they are given.
   */
  clone(): ChangeSet {
    const copy = new ChangeSet();
    for (const [table, rows] of this.tables) copy.tables.set(table, new Map(rows));
    return copy;
  }

  /** Number of folded rows over all tables. */
  get size(): number {
    let size = 0;
    for (const rows of this.tables.values()) size += rows.size;
    return size;
  }
}
