import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

const REALM = 'Rehook Mirror API';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The credential a request presents: the bearer token, or the password of HTTP basic auth (any
 * user name), so that a person can open `/docs` and `/admin/queues` in a browser, which can
 * prompt for basic auth but not for a bearer token.
 */
export function presentedToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const bearer = /^bearer +(\S+) *$/i.exec(authorization);
  if (bearer !== null) return bearer[1];
  const basic = /^basic +([A-Za-z0-9+/=._~-]+) *$/i.exec(authorization);
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Paths a person opens in a browser: a 401 there asks the browser to prompt for basic auth. */
function browserFacing(path: string): boolean {
  return path === '/docs' || path.startsWith('/docs/') || path === '/admin' || path.startsWith('/admin/');
}

/** Whether `presented` is the API token, compared in constant time (see {@link requireToken}). */
export function tokenMatches(apiToken: string, presented: string): boolean {
  return timingSafeEqual(digest(presented), digest(apiToken));
}

/**
 * Requires the API token. The comparison takes the same time whatever was presented (nothing,
 * a prefix, a wrong token of any length): both sides are hashed to 32 bytes and compared with
 * `timingSafeEqual`, and a missing token is compared too, as the empty string.
 */
export function requireToken(apiToken: string): RequestHandler {
  const expected = digest(apiToken);
  return (req, _res, next) => {
    const presented = presentedToken(req.headers.authorization);
    const matches = timingSafeEqual(digest(presented ?? ''), expected);
    if (matches && presented !== undefined) {
      next();
      return;
    }
    // `baseUrl` too: under a mount point (the dashboard) `path` is relative to it.
    const challenge = browserFacing(req.baseUrl + req.path)
      ? `Basic realm="${REALM}", charset="UTF-8"`
      : `Bearer realm="${REALM}"`;
    next(
      new HttpProblem(
        401,
        presented === undefined
          ? 'Send Authorization: Bearer <API_TOKEN>.'
          : 'The token in the Authorization header is not the API token.',
        { headers: { 'WWW-Authenticate': challenge } },
      ),
    );
  };
}
