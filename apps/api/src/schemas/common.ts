import { z } from 'zod';
import { named } from './registry';

/** A timestamp as an ISO 8601 UTC string with milliseconds, as `Date#toISOString` writes it. */
export const Timestamp = named(
  'Timestamp',
  z.iso.datetime({ precision: 3 }),
  'ISO 8601, UTC, milliseconds: 2023-09-21T07:46:56.842Z',
);
export type Timestamp = z.infer<typeof Timestamp>;

/**
 * Points and money: the read models keep `DECIMAL(38,4)`; the API answers JSON numbers, which
 * are exact up to 2^53 (9 × 10^15), far beyond any wallet.
 */
export const Amount = z.number();

/** Any JSON value, kept as Rehook sent it (customer properties, coupon details). */
export const JsonValue = named('JsonValue', z.json(), 'Any JSON value, as Rehook sent it.');
export type JsonValue = z.infer<typeof JsonValue>;

/** The answer of every error: RFC 9457 problem details. */
export const Problem = named(
  'Problem',
  z.strictObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    /** Present on 400: each parameter that was wrong. */
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  }),
  'An RFC 9457 problem detail (content type application/problem+json).',
);
export type Problem = z.infer<typeof Problem>;

/** A page of a list: the items and the cursor of the next page (null on the last page). */
export function pageOf<T extends z.ZodType>(id: string, item: T) {
  return named(
    id,
    z.strictObject({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .describe('Pass as `cursor` to get the next page; null when this is the last page.'),
    }),
  );
}
