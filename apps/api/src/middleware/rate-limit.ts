import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Paths never limited: the probes, so an orchestrator never sees a 429. */
export const RATE_LIMIT_EXEMPT_PATHS: readonly string[] = ['/healthz', '/readyz'];

/** Options of {@link rateLimited}. */
export interface RateLimitOptions {
  /** Requests one client may make per window (`API_RATE_LIMIT_PER_MINUTE`). */
  limit: number;
  /** @defaultValue 60 000 */
  windowMs?: number;
  /** Paths never limited. @defaultValue {@link RATE_LIMIT_EXEMPT_PATHS} */
  exempt?: readonly string[];
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * The client a request counts against: its address. Every caller presents the same API token,
 * so a per-token budget would be one budget for everyone; and keying on whatever token a
 * request presents would let a guesser get a fresh budget per guess.
 */
function clientOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/**
 * Wraps the API's request listener with a fixed-window rate limit per client: beyond `limit`
 * requests in a window the answer is 429 with `Retry-After` and a problem+json body, before
 * any route (or the token check) runs. In memory, per process: the API is one process per
 * replica, and the limit protects that process's Postgres pool. Written out rather than taken
 * from a library because it is these few lines and sits in front of Express, not inside it.
 */
export function rateLimited(listener: RequestListener, options: RateLimitOptions): RequestListener {
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const exempt = new Set(options.exempt ?? RATE_LIMIT_EXEMPT_PATHS);
  let windowStart = now();
  let counts = new Map<string, number>();
  return (req: IncomingMessage, res: ServerResponse) => {
    const t = now();
    if (t - windowStart >= windowMs) {
      // A new window forgets every client at once, so the map never outgrows one window's clients.
      windowStart = t - ((t - windowStart) % windowMs);
      counts = new Map();
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!exempt.has(path)) {
      const client = clientOf(req);
      const count = (counts.get(client) ?? 0) + 1;
      counts.set(client, count);
      if (count > options.limit) {
        const retryAfterS = Math.max(1, Math.ceil((windowStart + windowMs - t) / 1000));
        const body = JSON.stringify({
          type: 'about:blank',
          title: 'Too Many Requests',
          status: 429,
          detail: `More than ${options.limit} requests in ${windowMs / 1000} s from this client; retry after ${retryAfterS} s.`,
        });
        res.writeHead(429, {
          // As Express writes every other problem of the API.
          'content-type': 'application/problem+json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          'retry-after': String(retryAfterS),
        });
        res.end(body);
        return;
      }
    }
    listener(req, res);
  };
}
