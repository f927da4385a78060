/**
 * Readers for the scalar values of Rehook payloads. Each returns the value, `null` when the field
 * is absent or empty (so callers decide whether that is fine), or {@link WRONG_TYPE} when
 * something is there but cannot be read as the wanted kind of value.
 */

/** Marks a value that is present but unusable (an object where a string belongs, "abc" as points). */
export const WRONG_TYPE: unique symbol = Symbol('wrong type');
export type WrongType = typeof WRONG_TYPE;

/** Rehook's filler for "unknown" (`"AdvocateId": "NA"`). */
const UNKNOWN = 'NA';

/**
 * Read an id or a short text. Strings are kept exactly as sent (ids are opaque: `KMN@123`);
 * a finite number becomes its decimal text, since some senders type numeric ids as numbers.
 *
 * @param naIsUnknown whether `"NA"` means absent. True for Rehook ids and descriptive text;
 *   false where the text is the shop's own (source ids, coupon codes) and "NA" could be real.
 * @returns `null` for `undefined`, `null`, a blank string, or "NA" when `naIsUnknown`.
 */
export function readString(value: unknown, naIsUnknown: boolean): string | null | WrongType {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '' || (naIsUnknown && trimmed === UNKNOWN)) return null;
    return value;
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : WRONG_TYPE;
  return WRONG_TYPE;
}

// Plain decimal notation only: `Number()` alone would also accept "0x10", "Infinity" and "".
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Read an amount (points, totals, scores) sent as a number or as numeric text (`10`, `"10"`,
 * `"10.5"`).
 *
 * @returns `null` for `undefined`, `null` or a blank string; {@link WRONG_TYPE} for anything
 *   else that is not a finite decimal number.
 */
export function readNumber(value: unknown): number | null | WrongType {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : WRONG_TYPE; // + 0 turns -0 into 0
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return null;
    if (!DECIMAL.test(trimmed)) return WRONG_TYPE;
    const parsed = Number(trimmed);
    return Number.isFinite(parsed) ? parsed + 0 : WRONG_TYPE;
  }
  if (value === undefined || value === null) return null;
  return WRONG_TYPE;
}

/**
 * Why a required value is unusable, phrased to follow the field's path in a reason
 * (`metadata.wallet.transaction_id is missing`).
 */
export function missingOrWrong(value: unknown, expected: string): string {
  if (value === undefined || value === null) return 'is missing';
  if (typeof value === 'string') {
    return value.trim() === UNKNOWN
      ? `is "${UNKNOWN}" (unknown)`
      : value.trim() === ''
        ? 'is empty'
        : `must be ${expected}`;
  }
  return `must be ${expected}`;
}
