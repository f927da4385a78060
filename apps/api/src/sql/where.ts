import { Prisma } from '@mirror/db';

/**
 * `WHERE a AND b ...` from the conditions that apply (filters the caller gave, the cursor),
 * or nothing. Building the clause rather than writing `$1 IS NULL OR col = $1` keeps each
 * statement plain enough for the planner to use the index every time.
 */
export function whereAll(conditions: readonly (Prisma.Sql | undefined)[]): Prisma.Sql {
  const present = conditions.filter((c): c is Prisma.Sql => c !== undefined);
  return present.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(present, ' AND ')}`;
}
