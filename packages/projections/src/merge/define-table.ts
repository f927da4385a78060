import { compositeKey, type ColumnSpec, type TableSpec } from '../sql/table';
import { takeIncoming, whereIncomingIsEarlier, whereIncomingIsLater } from '../sql/merge-sql';
import type { FieldMerge, FieldSpec } from './fields';
import { earliest, latest } from './registers';
import type { Stamp } from './ordering';

/** Every field of `Row`, each with its merge and columns: a field left out does not compile. */
export type FieldSpecs<Row> = { readonly [K in keyof Row]-?: FieldSpec<Row[K]> };

interface Field<Row> {
  name: keyof Row;
  spec: FieldSpec<unknown>;
  columns: ColumnSpec<Row>[];
}

function fieldsOf<Row>(fields: FieldSpecs<Row>): Field<Row>[] {
  return (Object.keys(fields) as (keyof Row)[]).map((name) => {
    // Sound: `fields[name]` describes `row[name]`; the mapped type pairs them.
    const spec = fields[name] as FieldSpec<unknown>;
    const columns = spec.columns.map((c) => ({
      name: c.name,
      type: c.type,
      value: (row: Row) => c.value(row[name]),
    }));
    return { name, spec, columns };
  });
}

function keyOf<Row>(fields: readonly Field<Row>[]): (row: Row) => string {
  const names = fields.filter((f) => f.spec.merge === 'key').map((f) => f.name);
  // Sound: key fields are declared with `naturalKey`, whose values are strings.
  return (row) => compositeKey(...names.map((name) => row[name] as string));
}

function conflictTarget<Row>(fields: readonly Field<Row>[]): string[] {
  return fields.filter((f) => f.spec.merge === 'key').flatMap((f) => f.columns.map((c) => c.name));
}

/**
 * A table whose fields merge one by one (sums, least / greatest, registers): its in-memory
 * merge and its `ON CONFLICT` SQL are both derived from `fields`.
 */
export function defineTable<Row>(table: string, fields: FieldSpecs<Row>): TableSpec<Row> {
  const all = fieldsOf(fields);
  const merged = all.filter(
    (f): f is Field<Row> & { spec: { merge: FieldMerge<unknown> } } =>
      f.spec.merge !== 'key' && f.spec.merge !== 'report',
  );
  if (merged.length !== all.filter((f) => f.spec.merge !== 'key').length) {
    throw new Error(`${table}: a whole-row report field needs defineRegisterTable`);
  }
  const names = (f: Field<Row>) => f.columns.map((c) => c.name);
  const alone = merged.length === 1 ? merged[0]?.spec.merge.wins : undefined;
  return {
    table,
    conflictTarget: conflictTarget(all),
    columns: all.flatMap((f) => f.columns),
    key: keyOf(all),
    merge: (a, b) => {
      const row = { ...a };
      for (const { name, spec } of merged) {
        // Sound: `spec` merges values of `row[name]`.
        row[name] = spec.merge.fold(a[name], b[name]) as Row[keyof Row];
      }
      return row;
    },
    // A lone register writes only when the incoming report wins: no write, no dead tuple.
    ...(alone === undefined
      ? { onConflictSet: merged.flatMap((f) => f.spec.merge.sql(names(f))) }
      : { onConflictSet: takeIncoming(merged.flatMap(names)), onConflictWhere: alone }),
  };
}

/**
 * A table whose row is one register (a ledger entry, an award, a property): the whole row of
 * the winning report is kept (`last`: the latest by receipt stamp and key; `first`: the
 * earliest), in memory and in SQL alike.
 */
export function defineRegisterTable<Row extends Stamp>(
  table: string,
  wins: 'last' | 'first',
  fields: FieldSpecs<Row>,
): TableSpec<Row> {
  const all = fieldsOf(fields);
  if (all.some((f) => f.spec.merge !== 'key' && f.spec.merge !== 'report')) {
    throw new Error(`${table}: a register table's fields are its key or its report`);
  }
  const reported = all.filter((f) => f.spec.merge === 'report').flatMap((f) => f.columns.map((c) => c.name));
  return {
    table,
    conflictTarget: conflictTarget(all),
    columns: all.flatMap((f) => f.columns),
    key: keyOf(all),
    merge: wins === 'last' ? latest : earliest,
    onConflictSet: takeIncoming(reported),
    // The row's stamp and key are in the columns `stamp` and `stamp_key`.
    onConflictWhere: wins === 'last' ? whereIncomingIsLater() : whereIncomingIsEarlier(),
  };
}
