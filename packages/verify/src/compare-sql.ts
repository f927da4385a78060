import { TABLE_ORDER, TABLES, type TableName } from '@mirror/projections';
import { type Difference, NO_ROW, WHOLE_ROW } from './difference';

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Which rows of each table are one customer's, as a condition on the row `t`: `$1` is the
 * customer's source id, `$2` their Rehook ids, `$3` the segments they are or were in. A row
 * missing from the read model or present there by mistake is still found: the condition is
 * applied to the recomputed rows and to the stored ones alike.
 */
const OWNED_BY: Readonly<Record<TableName, string>> = {
  customers: 't.source_id = $1::text',
  customer_properties: 't.source_id = $1::text',
  customer_identities: 't.source_id = $1::text',
  wallet_transactions: 't.source_id = $1::text',
  webhook_rewards: 't.source_id = $1::text',
  coupons: 't.source_id = $1::text',
  coupon_redemptions: 't.source_id = $1::text',
  referrals: '(t.friend_customer_id = ANY ($2::text[]) OR t.advocate_customer_id = ANY ($2::text[]))',
  leaderboard_awards: 't.source_id = $1::text',
  segments: 't.segment_id = ANY ($3::text[])',
  // The customer's own reports of segment names: their events alone decide these rows.
  segment_names: 't.source_id = $1::text',
  segment_memberships: 't.source_id = $1::text',
};

/** A row of a table that differs: the recomputed row and the stored one (null: none), every column as text. */
interface DifferingRow {
  table: TableName;
  expected: (string | null)[] | null;
  found: (string | null)[] | null;
}

function columnsOf(table: TableName): string[] {
  return TABLES[table].columns.map((c) => c.name);
}

/**
 * The rows of one table where the recomputed copy (`pg_temp`) and the live table differ, compared
 * in SQL on the typed values of every column the projection writes; each side comes back as its
 * columns' text forms. `owned`: only the keys of one customer's rows (see {@link OWNED_BY}).
 */
function tableDiffSql(table: TableName, live: string, owned: boolean): string {
  const spec = TABLES[table];
  const columns = columnsOf(table).map(ident);
  const keys = spec.conflictTarget.map(ident);
  const recomputed = `pg_temp.${ident(spec.table)}`;
  const stored = `${ident(live)}.${ident(spec.table)}`;
  const side = (alias: string) =>
    `CASE WHEN ${alias}.${keys[0] ?? ''} IS NULL THEN NULL ` +
    `ELSE json_build_array(${columns.map((c) => `${alias}.${c}::text`).join(', ')}) END`;
  const distinct =
    `ROW(${columns.map((c) => `e.${c}`).join(', ')}) IS DISTINCT FROM ` +
    `ROW(${columns.map((c) => `s.${c}`).join(', ')})`;
  const select = `SELECT '${table}' AS "table", ${side('e')} AS expected, ${side('s')} AS found`;
  const on = (a: string, b: string) => keys.map((k) => `${a}.${k} = ${b}.${k}`).join(' AND ');
  if (!owned)
    return `${select} FROM ${recomputed} e FULL JOIN ${stored} s ON ${on('e', 's')} WHERE ${distinct}`;
  const keyList = keys.join(', ');
  const where = OWNED_BY[table];
  return (
    `${select} FROM (SELECT ${keyList} FROM ${recomputed} t WHERE ${where} ` +
    `UNION SELECT ${keyList} FROM ${stored} t WHERE ${where}) k ` +
    `LEFT JOIN ${recomputed} e ON ${on('e', 'k')} LEFT JOIN ${stored} s ON ${on('s', 'k')} WHERE ${distinct}`
  );
}

/** Every table's differing rows, in one statement (one round trip). */
export function readModelDiffSql(live: string, owned: boolean): string {
  return TABLE_ORDER.map((table) => tableDiffSql(table, live, owned)).join('\nUNION ALL\n');
}

/** The text form of a row, as JSON, for a difference about a whole row. */
function rowText(table: TableName, values: readonly (string | null)[]): string {
  const columns = columnsOf(table);
  return JSON.stringify(Object.fromEntries(columns.map((c, i) => [c, values[i] ?? null])));
}

/**
 * The differences of one differing row, column by column.
 *
 * @param customer - the customer whose rows were compared; when absent, the row's own `source_id`.
 */
export function differencesOf(row: DifferingRow, customer?: string): Difference[] {
  const { table, expected, found } = row;
  const columns = columnsOf(table);
  const keys = TABLES[table].conflictTarget;
  const either = expected ?? found ?? [];
  const at = (column: string) => either[columns.indexOf(column)] ?? null;
  const base = {
    customer: customer ?? (columns.includes('source_id') ? at('source_id') : null),
    table,
    row: keys.map((k) => `${k}=${at(k) ?? 'NULL'}`).join(', '),
  };
  if (expected === null || found === null) {
    return [
      {
        ...base,
        column: WHOLE_ROW,
        expected: expected === null ? NO_ROW : rowText(table, expected),
        found: found === null ? NO_ROW : rowText(table, found),
      },
    ];
  }
  const differences = columns.flatMap((column, i): Difference[] =>
    expected[i] === found[i]
      ? []
      : [{ ...base, column, expected: expected[i] ?? null, found: found[i] ?? null }],
  );
  // SQL found the rows distinct: never let a difference that the text forms hide go unreported.
  return differences.length > 0
    ? differences
    : [{ ...base, column: WHOLE_ROW, expected: rowText(table, expected), found: rowText(table, found) }];
}

export type { DifferingRow };
