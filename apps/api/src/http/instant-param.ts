import { z } from 'zod';

/** What every instant the API accepts must lie between (Postgres and `Date#toISOString` agree on these years). */
export const INSTANT_RANGE_MESSAGE = 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

/**
 * Years 0001 to 9999, also once the offset is applied: not year 0000 (Postgres has no year 0:
 * SQLSTATE 22008, a 500), not 0001-01-01 at a positive offset (that can be year 0 in UTC, which
 * `Date#toISOString` writes as `0000-…`), not 9999-12-31 at a negative one (year 10000 in UTC,
 * `+010000-…`). A regular expression rather than a check on the parsed date, so that the OpenAPI
 * document states the same rule as a `pattern`.
 */
export const YEARS_0001_TO_9999 = /^(?!0000-)(?!0001-01-01T[^+]*\+(?!00:00))(?!9999-12-31T[^-]*-(?!00:00))/;

/**
 * An RFC 3339 instant as a parameter (`2026-03-31T23:59:59Z`, `2026-03-31T23:59:59.999+05:30`),
 * any precision and offset, in years 0001 to 9999.
 */
export const instantParam = z.iso.datetime({ offset: true }).regex(YEARS_0001_TO_9999, INSTANT_RANGE_MESSAGE);
