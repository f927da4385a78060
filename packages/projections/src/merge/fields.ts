import type { ColumnSpec } from '../sql/table';
import { int8, text } from '../sql/columns';
import {
  greatest,
  incomingIsEarlier,
  incomingIsLater,
  least,
  leastText as leastTextSql,
  sum as sumSql,
  takeWhen,
} from '../sql/merge-sql';
import { earlier, later, leastText as leastTextOf, maxDate, minDate, type Register } from './registers';

/**
 * How one field of a read-model row merges with the same field of another report of the same
 * row: once in memory (`fold`: the rebuild, a batch, `asOf`, `verify`) and once in SQL (`sql`:
 * the `ON CONFLICT DO UPDATE SET` items of the live upsert, `t` the stored row, `excluded` the
 * incoming one). Both come from the same declaration below, so they cannot be paired wrongly.
 */
export interface FieldMerge<V> {
  /** The merge's name, as documentation and in test output. */
  kind: string;
  fold(a: V, b: V): V;
  sql(columns: readonly string[]): string[];
  /**
   * For a register: the SQL condition under which the incoming report wins. A table whose only
   * merged field is such a register writes only when it holds (no dead tuple on a hot row).
   */
  wins?: string;
}

/**
 * A field of a row: how it merges (`key`: part of the natural key; `report`: part of a row
 * that is one register, see `defineRegisterTable`), and the columns that hold it.
 */
export interface FieldSpec<V> {
  merge: FieldMerge<V> | 'key' | 'report';
  columns: readonly ColumnSpec<V>[];
}

/** A column holding a field's value as text (see ../sql/columns.ts). */
export function column<V>(name: string, type: string, value: (v: V) => string | null): ColumnSpec<V> {
  return { name, type, value };
}

/** Part of the row's natural key (the ON CONFLICT target): equal in both reports by definition. */
export function naturalKey(name: string): FieldSpec<string> {
  return { merge: 'key', columns: [column(name, 'text', text)] };
}

/** The earlier time, nulls ignored: `minDate` / `LEAST`. */
export function earliestTime<V extends Date | null>(col: ColumnSpec<NoInfer<V>>): FieldSpec<V> {
  return {
    // Sound: minDate returns one of its arguments, so a non-null V stays non-null.
    merge: { kind: 'earliest time', fold: (a, b) => minDate(a, b) as V, sql: ([c]) => [least(only(c))] },
    columns: [col],
  };
}

/** The later time, nulls ignored: `maxDate` / `GREATEST`. */
export function latestTime<V extends Date | null>(col: ColumnSpec<NoInfer<V>>): FieldSpec<V> {
  return {
    merge: { kind: 'latest time', fold: (a, b) => maxDate(a, b) as V, sql: ([c]) => [greatest(only(c))] },
    columns: [col],
  };
}

/**
 * The least text in code-point order, nulls ignored: for attributes every report should give
 * alike, so that a disagreement still resolves the same way in any order.
 */
export function leastText<V extends string | null>(col: ColumnSpec<NoInfer<V>>): FieldSpec<V> {
  return {
    merge: {
      kind: 'least text',
      fold: (a, b) => leastTextOf(a, b) as V,
      sql: ([c]) => [leastTextSql(only(c))],
    },
    columns: [col],
  };
}

/** A count or total: each new event adds its part exactly once. */
export function sum<V extends number | bigint>(col: ColumnSpec<NoInfer<V>>): FieldSpec<V> {
  return {
    // Sound: both operands have the same type V (number + number or bigint + bigint).
    merge: {
      kind: 'sum',
      fold: (a, b) => ((a as number) + (b as number)) as V,
      sql: ([c]) => [sumSql(only(c))],
    },
    columns: [col],
  };
}

/** The columns of a register: its value's, then its receipt stamp and idempotency key. */
function registerColumns<T>(
  values: readonly ColumnSpec<T>[],
  stamp: string,
  key: string,
): ColumnSpec<Register<T> | null>[] {
  return [
    ...values.map((c) =>
      column<Register<T> | null>(c.name, c.type, (r) => (r === null ? null : c.value(r.value))),
    ),
    column<Register<T> | null>(stamp, 'bigint', (r) => int8(r?.stamp ?? null)),
    column<Register<T> | null>(key, 'text', (r) => text(r?.key ?? null)),
  ];
}

/** A register whose latest report wins (by receipt stamp, then key): `later` / `incomingIsLater`. */
export function lastWriterWins<T>(
  values: readonly ColumnSpec<NoInfer<T>>[],
  stamp: string,
  key: string,
): FieldSpec<Register<T> | null> {
  const wins = incomingIsLater(stamp, key);
  return {
    merge: { kind: 'last writer wins', fold: later, sql: (columns) => takeWhen(wins, columns), wins },
    columns: registerColumns(values, stamp, key),
  };
}

/** A register whose first report wins: `earlier` / `incomingIsEarlier`. */
export function firstReportWins<T>(
  values: readonly ColumnSpec<NoInfer<T>>[],
  stamp: string,
  key: string,
): FieldSpec<Register<T> | null> {
  const wins = incomingIsEarlier(stamp, key);
  return {
    merge: { kind: 'first report wins', fold: earlier, sql: (columns) => takeWhen(wins, columns), wins },
    columns: registerColumns(values, stamp, key),
  };
}

/** A field of a whole-row register (see `defineRegisterTable`): taken with the row that wins. */
export function reportedBy<V>(col: ColumnSpec<NoInfer<V>>): FieldSpec<V> {
  return { merge: 'report', columns: [col] };
}

function only(name: string | undefined): string {
  if (name === undefined) throw new Error('a single-column merge needs its column');
  return name;
}
