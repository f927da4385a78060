import { compareCodePoints, compareStamps, type Stamp } from './ordering';

/**
 * A value together with the report it came from. Merging two registers keeps one of them
 * whole: the later report (last writer wins) or the earlier one (first report wins), so the
 * result depends on the set of reports, never on the order they were processed in.
 */
export interface Register<T> extends Stamp {
  value: T;
}

/** The later of two registers (last writer wins); an absent register loses to any other. */
export function later<T>(a: Register<T> | null, b: Register<T> | null): Register<T> | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(a, b) >= 0 ? a : b;
}

/** The earlier of two registers (the first report wins); an absent register loses to any other. */
export function earlier<T>(a: Register<T> | null, b: Register<T> | null): Register<T> | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareStamps(a, b) <= 0 ? a : b;
}

/** The earlier of two times, ignoring nulls (as SQL's LEAST does). */
export function minDate(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/** The later of two times, ignoring nulls (as SQL's GREATEST does). */
export function maxDate(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

/**
 * The least of two texts in code-point order, ignoring nulls: the merge for attributes that
 * every report should give alike (a coupon's code on a redemption, a referral's advocate), so
 * that a disagreement still resolves the same way in any order.
 */
export function leastText(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareCodePoints(a, b) <= 0 ? a : b;
}

/** The later of two whole-row reports (a row that is one register). */
export function latest<R extends Stamp>(a: R, b: R): R {
  return compareStamps(a, b) >= 0 ? a : b;
}

/** The earlier of two whole-row reports (a row whose first report wins). */
export function earliest<R extends Stamp>(a: R, b: R): R {
  return compareStamps(a, b) <= 0 ? a : b;
}
