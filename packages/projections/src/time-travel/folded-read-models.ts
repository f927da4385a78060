import { Prisma, type PrismaClient } from '@mirror/db';
import type { ChangeSet } from '../change-set';
import { TABLE_ORDER, TABLES } from '../changes';
import type { TableSpec } from '../sql/table';

/** What the read queries use: tagged raw SQL (see the API's `ReadDb`). */
export type RawQueryDb = Pick<PrismaClient, '$queryRaw'>;

/** A leading `WITH` of a query, which the folded tables' `WITH` list must absorb. */
const LEADING_WITH = /^\s*WITH\s+/i;

/** A value as an element of a Postgres array literal. */
const element = (value: string | null) => (value === null ? 'NULL' : `"${value.replace(/[\\"]/g, '\\$&')}"`);

/**
 * Each row's values as array elements, one per column, kept per row: rows are never changed
 * (merges build new ones), and the kept folds share most of them from one answer to the next.
 */
const elementsOfRow = new WeakMap<object, string[]>();

function elementsOf(spec: TableSpec<unknown>, row: unknown): string[] {
  // Sound: every row of a read-model table is an object.
  const key = row as object;
  let elements = elementsOfRow.get(key);
  if (elements === undefined) {
    elements = spec.columns.map((c) => element(c.value(row)));
    elementsOfRow.set(key, elements);
  }
  return elements;
}

/**
 * `<table> AS (SELECT * FROM unnest(<column>, ...))`: one read-model table holding the folded
 * rows only, each column one array parameter written as a Postgres array literal (Postgres
 * reads that faster than the same rows as JSON objects, and the driver passes it as one text).
 */
function foldedTable(spec: TableSpec<unknown>, rows: readonly unknown[]): Prisma.Sql {
  const elements = rows.map((row) => elementsOf(spec, row));
  const columns = spec.columns.map(
    (c, i) => Prisma.sql`${`{${elements.map((e) => e[i]).join(',')}}`}::${Prisma.raw(c.type)}[]`,
  );
  const names = spec.columns.map((c) => c.name).join(', ');
  return Prisma.sql`${Prisma.raw(spec.table)} AS (SELECT * FROM unnest(${Prisma.join(columns)}) AS r(${Prisma.raw(names)}))`;
}

/**
 * A database handle whose queries see `changes` in place of the read models: every query gets
 * the folded rows as CTEs named like the read-model tables, which an unqualified table name
 * resolves to before the table. The very read queries of the live API then answer for the
 * folded state (same SQL, same JSON), with no temporary tables and no writes: used by `asOf`.
 * A CTE is not indexed, which is fine for one customer's rows.
 */
export function foldedReadModels(db: RawQueryDb, changes: ChangeSet): RawQueryDb {
  const tables = Prisma.join(
    TABLE_ORDER.map((t) => foldedTable(TABLES[t] as TableSpec<unknown>, changes.rows(t))),
    ',\n',
  );
  return {
    $queryRaw<T>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) {
      const sql = query instanceof Prisma.Sql ? query : Prisma.sql(query, ...values);
      const [head = '', ...rest] = sql.strings;
      // A query with its own WITH list continues ours.
      const own = LEADING_WITH.test(head)
        ? new Prisma.Sql([head.replace(LEADING_WITH, ',\n'), ...rest], sql.values)
        : Prisma.sql`\n${sql}`;
      return db.$queryRaw<T>`WITH ${tables}${own}`;
    },
  };
}
