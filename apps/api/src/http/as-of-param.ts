import { z } from 'zod';

/**
 * `asOf`: an RFC 3339 instant (`2026-03-31T23:59:59Z`, `2026-03-31T23:59:59.999+05:30`); the
 * answer is then what the read models held once every event received at or before it was
 * projected. A malformed one is a 400.
 */
export const asOfParam = z.iso
  .datetime({ offset: true })
  .transform((value) => new Date(value))
  .optional()
  .describe(
    'An RFC 3339 instant: answer as of then (every event received at or before it). Before the ' +
      "customer's first event: 404; in the future: the live state.",
  );
