import type { RequestHandler } from 'express';
import { HttpProblem } from '../problem';

/**
 * For a known path asked with a method it does not serve: 405 with `Allow` (RFC 9110 §15.5.6),
 * not the 404 of an unknown path, so a client sees that the path is right and the method
 * wrong. OPTIONS answers 204 with the same `Allow`. Mounted after the path's own routes.
 */
export function methodNotAllowed(methods: readonly string[]): RequestHandler {
  const upper = methods.map((m) => m.toUpperCase());
  const allow = [...new Set([...upper, ...(upper.includes('GET') ? ['HEAD'] : []), 'OPTIONS'])].join(', ');
  return (req, res, next) => {
    if (req.method === 'OPTIONS') {
      res.status(204).set('Allow', allow).end();
      return;
    }
    next(
      new HttpProblem(405, `${req.method} is not served here; this path answers ${allow}.`, {
        headers: { Allow: allow },
      }),
    );
  };
}
