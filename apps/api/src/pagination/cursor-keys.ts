import { z } from 'zod';
import { INSTANT_RANGE_MESSAGE, YEARS_0001_TO_9999 } from '../http/instant-param';

const MAX_BIGINT = 2n ** 63n - 1n;

/**
 * Parts of cursor keys that reach SQL with a cast (`::bigint`, `::timestamptz`): checked here,
 * on decode, so that a forged cursor is a 400 and never a database error (22P02, 22003, 22008).
 */

/** A non-negative Postgres bigint as decimal text (a receipt stamp, a row id). */
export const bigintKey = z
  .string()
  .refine(
    (value) => /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT,
    'must be an integer from 0 to 2^63 - 1',
  );

/** An instant as the API writes it (`2023-09-21T07:46:56.842Z`), in years 0001 to 9999. */
export const instantKey = z.iso.datetime({ precision: 3 }).regex(YEARS_0001_TO_9999, INSTANT_RANGE_MESSAGE);
