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

  /** The folded rows of one table, one per natural key. */
  rows<T extends TableName>(table: T): RowOf<T>[] {
    // Sound: only rows of `table` are stored under it (see add).
    return [...(this.tables.get(table)?.values() ?? [])] as RowOf<T>[];
  }

  /** Number of folded rows over all tables. */
  get size(): number {
    let size = 0;
    for (const rows of this.tables.values()) size += rows.size;
    return size;
  }
}
