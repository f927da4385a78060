import type { EventOrigin } from '@mirror/event-store';
import { ChangeSet, TABLES, type TableName } from '@mirror/projections';
import { changesAt } from './project-body';
import type { WebhookBody } from './deliveries';

/** A read-model row as its columns' stored text (the values the upsert writes). */
export type ColumnValues = Record<string, string | null>;

/**
 * Given/When/Then for the pure projections: `given(events...)` delivers the bodies in that
 * order (the n-th one receipt-stamped n, see `stampAt`) and folds their changes with each
 * table's merge, as the rebuild does; `then(table, key)` names the row by its key columns and
 * lists every column that differs from what is expected as `table.column: expected …, found …`,
 * so a broken merge names its table and column. Because merges must not depend on the order in
 * which workers see events, the same events are also folded in reverse delivery order (same
 * stamps) and must give the same rows.
 */
export function given(...events: (WebhookBody | FromOrigin)[]): Then {
  const delivered = events.map((event, index) =>
    isFromOrigin(event) ? changesAt(event.body, index + 1, event.from) : changesAt(event, index + 1),
  );
  const forward = fold(delivered);
  const backward = fold([...delivered].reverse());
  return {
    then(table, key, expected) {
      const mismatches: string[] = [];
      const found = rowOf(forward, table, key);
      if (found === undefined) return [`${table}: no row with ${JSON.stringify(key)}`];
      for (const [column, want] of Object.entries(expected)) {
        if (!(column in found)) mismatches.push(`${table}.${column}: no such column`);
        else if (found[column] !== want) {
          mismatches.push(`${table}.${column}: expected ${show(want)}, found ${show(found[column])}`);
        }
      }
      const reversed = rowOf(backward, table, key);
      for (const column of Object.keys(found)) {
        if (reversed?.[column] !== found[column]) {
          mismatches.push(
            `${table}.${column}: ${show(found[column])} in delivery order, ${show(reversed?.[column])} in reverse`,
          );
        }
      }
      return mismatches;
    },
    rows(table) {
      return rowsOf(forward, table);
    },
  };
}

/** An event recorded with an origin other than `webhook` (see {@link from}). */
export interface FromOrigin {
  from: EventOrigin;
  body: WebhookBody;
}

/** `body` as recorded by `origin`, e.g. the API's `mirror.reward.fulfilled`. */
export function from(origin: EventOrigin, body: WebhookBody): FromOrigin {
  return { from: origin, body };
}

function isFromOrigin(event: WebhookBody | FromOrigin): event is FromOrigin {
  return 'from' in event && 'body' in event;
}

export interface Then {
  /** Every way the row of `table` with `key` differs from `expected` (empty when it matches). */
  then(table: TableName, key: ColumnValues, expected: ColumnValues): string[];
  /** Every row of a table after the fold. */
  rows(table: TableName): ColumnValues[];
}

function fold(delivered: readonly ReturnType<typeof changesAt>[]): ChangeSet {
  const set = new ChangeSet();
  for (const changes of delivered) set.addAll(changes);
  return set;
}

function rowsOf(set: ChangeSet, table: TableName): ColumnValues[] {
  const spec = TABLES[table];
  return set.rows(table).map((row) => {
    const values: ColumnValues = {};
    // Sound: the rows of `table` are rows of its spec (see ChangeSet.add).
    for (const column of spec.columns) values[column.name] = column.value(row as never);
    return values;
  });
}

function rowOf(set: ChangeSet, table: TableName, key: ColumnValues): ColumnValues | undefined {
  return rowsOf(set, table).find((row) => Object.entries(key).every(([name, value]) => row[name] === value));
}

function show(value: string | null | undefined): string {
  return value === undefined ? 'no row' : JSON.stringify(value);
}
