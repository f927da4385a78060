import { STATUS_CODES } from 'node:http';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** An RFC 9457 problem detail, the body of every error answer. */
export interface Problem {
  status: number;
  /** Short and fixed per kind of problem; defaults to the status phrase. */
  title?: string;
  /** What went wrong with this request, for the sender's logs. Never echo secrets or bodies. */
  detail?: string;
}

/**
 * Answers with `application/problem+json`. Written against `node:http` so that the webhook
 * route and the Express error handler share it.
 */
export function sendProblem(res: ServerResponse, problem: Problem, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    // Too late for a proper answer: cut the connection so the sender sees a failure, not a
    // truncated success.
    res.destroy();
    return;
  }
  const body = JSON.stringify({
    type: 'about:blank',
    title: problem.title ?? STATUS_CODES[problem.status] ?? 'Error',
    status: problem.status,
    ...(problem.detail !== undefined && { detail: problem.detail }),
  });
  res.writeHead(problem.status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
