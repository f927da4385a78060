// A whole store as rows: what generate-previous-store.ts writes from the previous version and
// previous-store.int.test.ts loads into a database at that version's schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of a pg client these helpers use (a `pg.Client`). */
export interface Queryable {
  query<R extends object>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

/** One table's rows: every column as Postgres's text form, json and jsonb as their value. */
export type TableRows = Record<string, unknown>[];

/** fixtures/previous-store.json. */
export interface PreviousStore {
  /** The commit whose code wrote the store. */
  commit: string;
  /** The migrations that version applied (its whole schema), with their checksums. */
  migrations: { name: string; checksum: string }[];
  /** The ingest's answer to each body of fixtures/webhooks.jsonl, in file order. */
  answers: string[];
  /** Every table but `_prisma_migrations`, `events` included. */
  tables: Record<string, TableRows>;
}

export function readPreviousStore(): PreviousStore {
  return JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'previous-store.json'), 'utf8'),
  ) as PreviousStore;
}

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
}

async function columnsOf(db: Queryable): Promise<Map<string, ColumnInfo[]>> {
  const { rows } = await db.query<ColumnInfo>(
    `SELECT table_name, column_name, data_type FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
     ORDER BY table_name, ordinal_position`,
  );
  const tables = new Map<string, ColumnInfo[]>();
  for (const row of rows) tables.set(row.table_name, [...(tables.get(row.table_name) ?? []), row]);
  return tables;
}

async function primaryKeyOf(db: Queryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT a.attname AS column_name
     FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary
     ORDER BY array_position(i.indkey, a.attnum)`,
    [`public.${table}`],
  );
  return rows.map((row) => row.column_name);
}

const isJson = (column: ColumnInfo) => column.data_type === 'json' || column.data_type === 'jsonb';

/**
 * Every row of every table of the public schema (`tables`: only those), ordered by primary key
 * in code point order: text forms are exact and comparable across versions with one `toEqual`.
 */
export async function dumpTables(
  db: Queryable,
  tables?: readonly string[],
): Promise<Record<string, TableRows>> {
  const dump: Record<string, TableRows> = {};
  for (const [table, columns] of await columnsOf(db)) {
    if (tables !== undefined && !tables.includes(table)) continue;
    // Ordered by the table's own columns (t.), not by the text forms of the same names.
    const select = columns
      .map((c) => (isJson(c) ? `t."${c.column_name}"` : `t."${c.column_name}"::text AS "${c.column_name}"`))
      .join(', ');
    const text = new Set(columns.filter((c) => c.data_type === 'text').map((c) => c.column_name));
    const order = (await primaryKeyOf(db, table)).map((c) =>
      text.has(c) ? `t."${c}" COLLATE "C"` : `t."${c}"`,
    );
    const { rows } = await db.query<Record<string, unknown>>(
      `SELECT ${select} FROM "${table}" AS t${order.length === 0 ? '' : ` ORDER BY ${order.join(', ')}`}`,
    );
    dump[table] = rows;
  }
  return dump;
}

/** Inserts dumped rows as they were (text forms are each type's input), then moves sequences past them. */
export async function loadTables(db: Queryable, tables: Record<string, TableRows>): Promise<void> {
  const schema = await columnsOf(db);
  for (const [table, rows] of Object.entries(tables)) {
    const columns = schema.get(table);
    if (columns === undefined) throw new Error(`no table ${table} in the database`);
    if (rows.length === 0) continue;
    const list = columns.map((c) => `"${c.column_name}"`).join(', ');
    await db.query(
      `INSERT INTO "${table}" (${list}) SELECT ${list} FROM json_populate_recordset(NULL::"${table}", $1::json)`,
      [JSON.stringify(rows)],
    );
    for (const column of columns) {
      const { rows: serial } = await db.query<{ sequence: string | null }>(
        'SELECT pg_get_serial_sequence($1, $2) AS sequence',
        [`public.${table}`, column.column_name],
      );
      const sequence = serial[0]?.sequence;
      if (sequence === null || sequence === undefined) continue;
      await db.query(`SELECT setval($1::regclass, (SELECT max("${column.column_name}") FROM "${table}"))`, [
        sequence,
      ]);
    }
  }
}
