import { z } from 'zod';

/** Largest page a caller may ask for. */
export const MAX_LIMIT = 500;
/** Page size when `limit` is not given. */
export const DEFAULT_LIMIT = 50;

/** The `limit` query parameter: 1 to {@link MAX_LIMIT}; out of range is a 400, not clamped. */
export const limitParam = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_LIMIT)
  .default(DEFAULT_LIMIT)
  .describe(`Page size, 1 to ${MAX_LIMIT}.`);

/** The `cursor` query parameter: the `nextCursor` of the previous page. */
export const cursorParam = z
  .string()
  .min(1)
  .max(4096)
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
