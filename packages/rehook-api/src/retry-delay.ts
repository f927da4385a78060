/**
 * How long to wait before retrying, from a `Retry-After` header (seconds or an HTTP date,
 * RFC 9110 §10.2.3) when the server sent a usable one, else exponential backoff with jitter.
 * Capped at `maxDelayMs` either way, so a server asking for an hour cannot stall a run.
 *
 * @param attempt - 1 for the first retry.
 */
export function retryDelayMs(
  retryAfter: string | null,
  attempt: number,
  options: { backoffMs: number; maxDelayMs: number; now?: number; random?: () => number },
): number {
  const fromHeader = parseRetryAfter(retryAfter, options.now ?? Date.now());
  if (fromHeader !== undefined) return Math.min(fromHeader, options.maxDelayMs);
  const exponential = options.backoffMs * 2 ** (attempt - 1);
  const jitter = 0.5 + (options.random ?? Math.random)() / 2;
  return Math.min(Math.round(exponential * jitter), options.maxDelayMs);
}

/** Milliseconds asked for by a `Retry-After` value; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
