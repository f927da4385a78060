import { UnprojectableValueError } from './unprojectable';

/**
 * An amount (points, order totals) in ten-thousandths, as an exact integer. Amounts are summed
 * in memory when a batch of events is folded and in SQL when rows are merged; with binary
 * floats those two sums could differ in the last digit, with integers they cannot.
 * Postgres stores them as numeric(38,4).
 */
export type Amount = bigint;

const SCALE = 10_000n;
/**
 * The limit of one amount: |value| < 1e16 (beyond 2^53 a JSON number is not even a whole
 * number exactly). The columns, numeric(38,4), hold 34 digits before the point, so a sum of up
 * to 10^18 amounts at this limit (a customer's orders total) still fits: no realistic sum can
 * overflow. An amount beyond it makes its event `invalid`, with the reason.
 */
const LIMIT = 1e16;

/**
 * The amount of a payload number, rounded to four decimals.
 *
 * @throws UnprojectableValueError when `value` is not finite or |value| >= 1e16.
 */
export function toAmount(value: number, field: string): Amount {
  if (!Number.isFinite(value) || Math.abs(value) >= LIMIT) {
    throw new UnprojectableValueError(`${field} ${String(value)} is out of range (|value| < 1e16)`);
  }
  // toFixed is exact decimal rounding of the binary value, and never uses exponent notation
  // below 1e21.
  const [whole = '0', fraction = ''] = value.toFixed(4).split('.');
  const negative = whole.startsWith('-');
  const digits = BigInt(whole.replace('-', '')) * SCALE + BigInt(fraction.padEnd(4, '0'));
  return negative ? -digits : digits;
}

/** The same, or null for a null payload value. */
export function toAmountOrNull(value: number | null, field: string): Amount | null {
  return value === null ? null : toAmount(value, field);
}

/** Decimal text of an amount (`-12.5000`), as Postgres numeric reads it. */
export function formatAmount(amount: Amount): string {
  const negative = amount < 0n;
  const digits = negative ? -amount : amount;
  const fraction = (digits % SCALE).toString().padStart(4, '0');
  return `${negative ? '-' : ''}${digits / SCALE}.${fraction}`;
}
