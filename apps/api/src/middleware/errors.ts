import type { ErrorRequestHandler, RequestHandler } from 'express';
import { sqlErrorKind } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import { HttpProblem } from '../problem';

/** Express' own client errors (a malformed `%` escape in a path, say) carry a 4xx status. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** When to try again after a transient database failure: a few lock timeouts' worth. */
const RETRY_AFTER_SECONDS = 5;

function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  const status = clientErrorStatus(error);
  if (status !== undefined) {
    return new HttpProblem(
      status,
      status === 400 ? 'The request could not be read (malformed URL or body).' : 'The request was refused.',
    );
  }
  // A lock or statement timeout (the API's connections have short ones, see DB_TIMEOUTS), a
  // lost connection, a server shutting down: the request may well succeed in a moment.
  if (sqlErrorKind(error) === 'transient') {
    return new HttpProblem(
      503,
      'The database could not answer in time (busy, or a lock is held, e.g. by a rebuild); try again shortly.',
      { headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
    );
  }
  return new HttpProblem(500, 'The API failed to answer; the failure is logged.');
}

/**
 * The one place errors become answers: `application/problem+json` with `type`, `title`,
 * `status`, `detail` (and `issues` on a 400). Unexpected errors are logged and answered 500
 * without internals.
 */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const problem = toProblem(error);
    if (problem.status >= 500) {
      logger[problem.status === 503 ? 'warn' : 'error'](
        { err: error, method: req.method, route: res.locals['route'] as unknown },
        'request failed',
      );
    }
    const body = {
      type: 'about:blank',
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      ...(problem.issues !== undefined && { issues: problem.issues }),
    };
    res
      .status(problem.status)
      .set(problem.headers)
      .set('Cache-Control', 'no-store')
      .type('application/problem+json')
      .send(JSON.stringify(body));
  };
}

/** Any path no route claimed. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new HttpProblem(404, `No route ${req.method} ${req.path}.`));
};
