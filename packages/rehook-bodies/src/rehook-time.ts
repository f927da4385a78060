/** Go's zero time, which Rehook sends for "unset". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * A Rehook timestamp: ISO 8601 in UTC with 7 or 9 fractional digits (Rehook's documented
 * examples have both). `subMs` supplies the digits below the millisecond.
 */
export function rehookTime(ms: number, digits: 7 | 9, subMs: number): string {
  const iso = new Date(ms).toISOString(); // 2023-09-21T07:46:56.842Z
  const below = String(Math.abs(Math.trunc(subMs)) % 10 ** (digits - 3)).padStart(digits - 3, '0');
  return `${iso.slice(0, 23)}${below}Z`;
}
