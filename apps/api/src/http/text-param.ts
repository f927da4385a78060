import { z } from 'zod';

/** Longest id or filter value accepted; far above any id Rehook or a shop uses. */
export const MAX_TEXT_LENGTH = 1024;

/** As a regular expression rather than a refine, so that the OpenAPI document shows it (`pattern`). */
// eslint-disable-next-line no-control-regex -- NUL is exactly the character refused.
const NO_NUL = /^[^\u0000]*$/;
const NUL_MESSAGE = 'must not contain NUL characters';

/**
 * Text that can reach a SQL parameter: Postgres `text` cannot hold a NUL character (it would
 * be a database error, so a 500, not a 404), hence a 400 for one.
 */
export const plainText = z.string().regex(NO_NUL, NUL_MESSAGE);

/** A path parameter or filter value: an id, non-empty, NUL-free, bounded. */
export const textParam = z.string().min(1).max(MAX_TEXT_LENGTH).regex(NO_NUL, NUL_MESSAGE);

/** Longest event name a filter takes: canonical names are far shorter (see the catalog). */
export const MAX_NAME_LENGTH = 64;

/** An event-name filter value: like {@link textParam}, bounded to {@link MAX_NAME_LENGTH}. */
export const nameParam = z.string().min(1).max(MAX_NAME_LENGTH).regex(NO_NUL, NUL_MESSAGE);
