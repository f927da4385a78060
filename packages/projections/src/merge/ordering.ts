/**
 * Orders strings by Unicode code point, which is how Postgres compares text under
 * `COLLATE "C"` in a UTF-8 database. JavaScript's `<` compares UTF-16 code units, which differs
 * for characters above U+FFFF versus U+E000–U+FFFF; merges done here and in SQL must agree.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    // A surrogate starts a code point above U+FFFF, greater than any single code unit.
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The order of reports: receipt stamp, then idempotency key (two ingest replicas may stamp the
 * same value). Two reports with equal stamp and key are the same stored event.
 */
export interface Stamp {
  stamp: bigint;
  key: string;
}

/** Negative when `a` was received before `b`, positive after, zero for the same event. */
export function compareStamps(a: Stamp, b: Stamp): number {
  if (a.stamp !== b.stamp) return a.stamp < b.stamp ? -1 : 1;
  return compareCodePoints(a.key, b.key);
}
