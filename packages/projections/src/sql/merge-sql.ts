// SQL for the merges of ../merge/registers.ts, used in `ON CONFLICT ... DO UPDATE SET`, where
// `t` is the stored row and `excluded` the incoming one. Each must give exactly what its
// JavaScript twin gives, since a batch is folded in memory first and then merged in SQL.
// Texts compare under COLLATE "C" (code point order), like compareCodePoints.

function stampTuple(row: string, stamp: string, key: string): string {
  return `(${row}.${stamp}, ${row}.${key} COLLATE "C")`;
}

/** True when the incoming register is later than the stored one (`later` in registers.ts). */
export function incomingIsLater(stamp: string, key: string): string {
  return `(excluded.${stamp} IS NOT NULL AND (t.${stamp} IS NULL OR ${stampTuple('excluded', stamp, key)} > ${stampTuple('t', stamp, key)}))`;
}

/** True when the incoming register is earlier than the stored one (`earlier` in registers.ts). */
export function incomingIsEarlier(stamp: string, key: string): string {
  return `(excluded.${stamp} IS NOT NULL AND (t.${stamp} IS NULL OR ${stampTuple('excluded', stamp, key)} < ${stampTuple('t', stamp, key)}))`;
}

/** `col = CASE WHEN condition THEN excluded.col ELSE t.col END` for each column of a register. */
export function takeWhen(condition: string, columns: readonly string[]): string[] {
  return columns.map(
    (column) => `${column} = CASE WHEN ${condition} THEN excluded.${column} ELSE t.${column} END`,
  );
}

/** `col = excluded.col` for each column: for a DO UPDATE whose WHERE already picked the winner. */
export function takeIncoming(columns: readonly string[]): string[] {
  return columns.map((column) => `${column} = excluded.${column}`);
}

/** The earlier time, nulls ignored (`minDate`). */
export function least(column: string): string {
  return `${column} = LEAST(t.${column}, excluded.${column})`;
}

/** The later time, nulls ignored (`maxDate`). */
export function greatest(column: string): string {
  return `${column} = GREATEST(t.${column}, excluded.${column})`;
}

/** The least text in code point order, nulls ignored (`leastText`). */
export function leastText(column: string): string {
  return `${column} = LEAST(t.${column} COLLATE "C", excluded.${column} COLLATE "C")`;
}

/** A count or total: each new event adds its part exactly once. */
export function sum(column: string): string {
  return `${column} = t.${column} + excluded.${column}`;
}

/** WHERE of a DO UPDATE that overwrites only with a later report (whole-row register). */
export function whereIncomingIsLater(stamp = 'stamp', key = 'stamp_key'): string {
  return `${stampTuple('excluded', stamp, key)} > ${stampTuple('t', stamp, key)}`;
}

/** WHERE of a DO UPDATE that overwrites only with an earlier report (first report wins). */
export function whereIncomingIsEarlier(stamp = 'stamp', key = 'stamp_key'): string {
  return `${stampTuple('excluded', stamp, key)} < ${stampTuple('t', stamp, key)}`;
}
