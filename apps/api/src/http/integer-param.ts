import { z } from 'zod';

/** `low`..`high` as one regular-expression atom (`5`, `[1-4]`). */
const digitRange = (low: number, high: number) => (low === high ? String(low) : `[${low}-${high}]`);

/**
 * A regular expression matching exactly the decimal integers from 1 to `max`, as written
 * plainly: no sign, no leading zero, no exponent, no `0x`, no spaces. Built digit by digit
 * (`500` gives `^(?:[1-9]\d{0,1}|[1-4]\d{2}|500)$`), so that the OpenAPI document can state the
 * whole rule as a `pattern` and a client's validator agrees with the API's.
 */
export function positiveIntegerPattern(max: number): RegExp {
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`max must be a positive integer, not ${max}`);
  const digits = String(max);
  const alternatives: string[] = [];
  // Every number with fewer digits than max.
  if (digits.length > 1) alternatives.push(`[1-9]\\d{0,${digits.length - 2}}`);
  // Numbers as long as max: equal to it up to position i, smaller at i, anything after.
  for (let i = 0; i < digits.length; i++) {
    const low = i === 0 ? 1 : 0;
    const high = Number(digits[i]) - 1;
    if (high < low) continue;
    const rest = digits.length - i - 1;
    alternatives.push(`${digits.slice(0, i)}${digitRange(low, high)}${rest > 0 ? `\\d{${rest}}` : ''}`);
  }
  alternatives.push(digits);
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/**
 * A query parameter holding an integer from 1 to `max` in plain decimal (`limit`, `minutes`);
 * anything else, out of range included, is a 400 rather than a guess (`z.coerce.number` took
 * `0x10`, `1e2`, `0b11` and ` 10`).
 */
export function positiveIntegerParam(options: { max: number; default: number; description: string }) {
  return z
    .string()
    .regex(positiveIntegerPattern(options.max), `must be a decimal integer from 1 to ${options.max}`)
    .default(String(options.default))
    .transform(Number)
    .describe(options.description);
}
