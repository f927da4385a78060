import { Prisma } from '@mirror/db';

/**
 * SQL that formats a `timestamptz` column as `Date#toISOString` does (UTC, milliseconds, `Z`).
 * Read-model timestamps are `timestamptz(3)`, so nothing is lost. Used inside
 * `json_build_object`, so that Postgres hands back documents the API can send unchanged.
 *
 * @param column - a trusted column reference (`c.first_seen_at`), never user input.
 */
export function isoUtc(column: string): Prisma.Sql {
  return Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
}

/**
 * SQL for an amount (`DECIMAL(38,4)`) as a JSON number the way JavaScript writes it (`10`, not
 * `10.0000`): `float8` is the same binary double a client parses either text into, so nothing
 * is lost that JSON would keep, and documents sent as Postgres wrote them look like any other.
 *
 * @param expression - trusted SQL (a column, a sum), never user input.
 */
export function amount(expression: string): Prisma.Sql {
  return Prisma.raw(`(${expression})::float8`);
}

/** A trusted SQL identifier or column reference (never user input). */
export function col(reference: string): Prisma.Sql {
  return Prisma.raw(reference);
}
