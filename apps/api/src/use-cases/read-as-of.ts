import { foldCustomerHistory, foldedReadModels } from '@mirror/projections';
import type { ApiDeps, ReadDb } from '../deps';
import { customerKnown } from '../queries/customers';

/**
 * Runs a customer's read queries live, or as of an instant: the customer's history up to then
 * is folded from the event store with the projections' merges (from the newest kept fold at
 * or before the instant, when `deps.folds` is given), and `read` runs the very queries
 * of the live route over the folded rows, handed to each query as CTEs named like the tables
 * (same SQL, same JSON). An instant that is not in the past is the live state.
 *
 * @param read - gets the database to query and `known()`: whether any event had named the
 *   customer by then (what a 404 is decided on when a list comes back empty).
 */
export async function readAsOf<T>(
  deps: Pick<ApiDeps, 'prisma' | 'now' | 'folds'>,
  sourceId: string,
  asOf: Date | undefined,
  read: (db: ReadDb, known: () => Promise<boolean>) => Promise<T>,
): Promise<T> {
  const now = deps.now?.() ?? new Date();
  if (asOf === undefined || asOf.getTime() >= now.getTime()) {
    return read(deps.prisma, () => customerKnown(deps.prisma, sourceId));
  }
  const folded = await (deps.folds === undefined
    ? foldCustomerHistory(deps.prisma, sourceId, asOf)
    : deps.folds.foldAt(deps.prisma, sourceId, asOf));
  return read(foldedReadModels(deps.prisma, folded.changes), () => Promise.resolve(folded.ownEvents > 0));
}

/**
 * A part of a customer (a list, or lists) read live or as of an instant, or null when it is
 * empty and no event had named the customer by then (what the routes answer 404 for).
 */
export async function readCustomerPart<T>(
  deps: Pick<ApiDeps, 'prisma' | 'now' | 'folds'>,
  sourceId: string,
  asOf: Date | undefined,
  read: (db: ReadDb, sourceId: string) => Promise<T>,
  isEmpty: (part: T) => boolean,
): Promise<T | null> {
  return readAsOf(deps, sourceId, asOf, async (db, known) => {
    const part = await read(db, sourceId);
    // Only an empty part needs to know whether the customer exists: one query otherwise.
    return isEmpty(part) && !(await known()) ? null : part;
  });
}
