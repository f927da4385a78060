import { z } from 'zod';
import { positiveIntegerParam } from '../http/integer-param';

/** Largest page a caller may ask for. */
export const MAX_LIMIT = 500;
/** Page size when `limit` is not given. */
export const DEFAULT_LIMIT = 50;

/** The `limit` query parameter: 1 to {@link MAX_LIMIT} in plain decimal; anything else is a 400, not clamped. */
export const limitParam = positiveIntegerParam({
  max: MAX_LIMIT,
  default: DEFAULT_LIMIT,
  description: `Page size, 1 to ${MAX_LIMIT} (plain decimal).`,
});

/**
 * The `cursor` query parameter: the `nextCursor` of the previous page, base64url (so that it
 * needs no percent-encoding in a URL, and its `maxLength` is its length on the wire).
 */
export const cursorParam = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[A-Za-z0-9_-]+$/, 'is not a cursor of this list')
  .optional()
  .describe('The `nextCursor` of the previous page; omit for the first page.');

/** What every list answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Cuts the `limit + 1` rows a list query fetched into a page: the extra row only says that
 * there is a next page, whose cursor is the key of the last row kept.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  item: (row: R) => T,
  cursorOf: (row: R) => string,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return {
    items: kept.map(item),
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}
