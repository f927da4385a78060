import { UnprojectableValueError } from './unprojectable';

// Dates travel to Postgres as ISO text, which has four-digit years only in 0000–9999.
const EARLIEST = Date.UTC(1, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A payload or receipt time that Postgres can store.
 *
 * @throws UnprojectableValueError when it is not a valid date in the years 0001–9999.
 */
export function checkedDate(value: Date, field: string): Date {
  const time = value.getTime();
  if (!Number.isFinite(time) || time < EARLIEST || time > LATEST) {
    throw new UnprojectableValueError(`${field} is not a date in the years 0001-9999`);
  }
  return value;
}

/** {@link checkedDate} for an optional time. */
export function checkedDateOrNull(value: Date | null, field: string): Date | null {
  return value === null ? null : checkedDate(value, field);
}

const INT4_MAX = 2_147_483_647;

/**
 * A whole number that fits Postgres `integer`, or null.
 *
 * @throws UnprojectableValueError otherwise.
 */
export function checkedIntOrNull(value: number | null, field: string): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || Math.abs(value) > INT4_MAX) {
    throw new UnprojectableValueError(`${field} ${String(value)} is not a whole number within ±${INT4_MAX}`);
  }
  return value;
}
