import { z } from 'zod';

/** Longest id or filter value accepted; far above any id Rehook or a shop uses. */
export const MAX_TEXT_LENGTH = 1024;

const noNul = (value: string) => !value.includes('\u0000');
const NUL_MESSAGE = 'must not contain NUL characters';

/**
 * Text that can reach a SQL parameter: Postgres `text` cannot hold a NUL character (it would
 * be a database error, so a 500, not a 404), hence a 400 for one.
 */
export const plainText = z.string().refine(noNul, NUL_MESSAGE);

/** A path parameter or filter value: an id, non-empty, NUL-free, bounded. */
export const textParam = z.string().min(1).max(MAX_TEXT_LENGTH).refine(noNul, NUL_MESSAGE);
