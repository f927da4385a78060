import { Prisma, type PrismaClient } from '@mirror/db';
import type { ChangeSet } from '../change-set';
import { TABLE_ORDER, TABLES } from '../changes';
import type { TableSpec } from '../sql/table';

/** What the read queries use: tagged raw SQL (see the API's `ReadDb`). */
export type RawQueryDb = Pick<PrismaClient, '$queryRaw'>;

/** A leading `WITH` of a query, which the folded tables' `WITH` list must absorb. */
const LEADING_WITH = /^\s*WITH\s+/i;

/** `<table> AS (SELECT ... FROM json_to_recordset(<rows>))`: one read-model table, folded rows only. */
function foldedTable(spec: TableSpec<unknown>, rows: readonly unknown[]): Prisma.Sql {
  const casts = spec.columns.map((c) => `r.${c.name}::${c.type}`).join(', ');
  const definition = spec.columns.map((c) => `${c.name} text`).join(', ');
  return Prisma.sql`${Prisma.raw(spec.table)} AS (SELECT ${Prisma.raw(casts)}
    FROM json_to_recordset(${JSON.stringify(rows.map((row) => Object.fromEntries(spec.columns.map((c) => [c.name, c.value(row)]))))}::json) AS r(${Prisma.raw(definition)}))`;
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
