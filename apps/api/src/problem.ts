import { STATUS_CODES } from 'node:http';

/** One thing wrong with a request (a query parameter, a path parameter, the cursor). */
export interface ProblemIssue {
  /** Where: `query.limit`, `params.sourceId`, `query.cursor`. */
  path: string;
  message: string;
}

/**
 * An error that carries its HTTP answer: thrown anywhere below a route, turned into an
 * `application/problem+json` body (RFC 9457) by the one error middleware.
 */
export class HttpProblem extends Error {
  readonly title: string;

  constructor(
    readonly status: number,
    /** What went wrong with this request; safe to show the caller (never echoes secrets). */
    readonly detail: string,
    options: { title?: string; issues?: readonly ProblemIssue[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    this.title = options.title ?? STATUS_CODES[status] ?? 'Error';
    this.issues = options.issues;
    this.headers = options.headers ?? {};
  }

  readonly issues: readonly ProblemIssue[] | undefined;
  /** Extra response headers (`WWW-Authenticate` on a 401). */
  readonly headers: Record<string, string>;
}

/** 400 with the list of what was wrong. */
export function badRequest(issues: readonly ProblemIssue[]): HttpProblem {
  const detail = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return new HttpProblem(400, detail, { title: 'Invalid request', issues });
}

/** 404 for a resource that the read models have never seen. */
export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, detail);
}
