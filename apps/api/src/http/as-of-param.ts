import { instantParam } from './instant-param';

/**
 * `asOf`: an RFC 3339 instant (`2026-03-31T23:59:59Z`, `2026-03-31T23:59:59.999+05:30`); the
 * answer is then what the read models held once every event received at or before it was
 * projected. A malformed one, or one outside years 0001 to 9999, is a 400.
 */
export const asOfParam = instantParam
  .transform((value) => new Date(value))
  .optional()
  .describe(
    'An RFC 3339 instant in years 0001 to 9999: answer as of then (every event received at or before ' +
      "it). Before the customer's first event: 404; in the future: the live state.",
  );
