/**
 * Rehook's timestamps: RFC 3339 text as Go prints it, with 7 or 9 fractional digits
 * (`2023-09-21T07:46:56.8421482Z`), and Go's zero time (`0001-01-01T00:00:00Z`) where a value
 * was never set.
 */

// Date, time, optional fraction of any length, then `Z` or an offset (`+05:30` or `+0530`).
// `Date.parse` is not used: its handling of more than 3 fractional digits and of impossible
// dates (February 30th) is implementation-defined.
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
// A bare date (`2023-12-31`) is read as midnight UTC: cheap tolerance for expiry-like fields.
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Go's zero time is year 1; no real Rehook event happens then, so any year-1 time means unset. */
const GO_ZERO_YEAR = 1;

/**
 * Parse a Rehook timestamp to a `Date`, truncating the fraction to milliseconds.
 *
 * @returns `null` when the value is missing, not a string, not RFC 3339 (a time without a zone
 *   is not guessed at), an impossible date, or Go's zero time (any time in year 0001).
 */
export function parseRehookTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const full = RFC3339.exec(text);
  if (full !== null) {
    const [, y, mo, d, h, mi, s, fraction, zulu, sign, offH, offM] = full;
    const offsetMinutes =
      zulu !== undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(offH) * 60 + Number(offM));
    if (Number(offH ?? 0) > 23 || Number(offM ?? 0) > 59) return null;
    const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
    return utcDate(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms, offsetMinutes);
  }
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly !== null) {
    const [, y, mo, d] = dateOnly;
    return utcDate(Number(y), Number(mo), Number(d), 0, 0, 0, 0, 0);
  }
  return null;
}

function utcDate(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  offsetMinutes: number,
): Date | null {
  if (year === GO_ZERO_YEAR) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) return null; // February 30th rolled over into March
  date.setUTCHours(hour, minute, second, ms);
  const time = date.getTime() - offsetMinutes * 60_000;
  return Number.isFinite(time) ? new Date(time) : null;
}
