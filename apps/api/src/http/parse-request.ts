import type { z } from 'zod';
import { badRequest, type ProblemIssue } from '../problem';

/**
 * Validates path or query parameters with their schema.
 * @throws HttpProblem 400 naming each bad parameter (`query.limit: Too big: ...`).
 */
export function parseRequestPart<S extends z.ZodType>(
  where: 'params' | 'query',
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: ProblemIssue[] = result.error.issues.map((issue) => {
    // An unknown query parameter is reported under its own name, not under the object.
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = [where, ...issue.path.map(String), ...(keys.length === 1 ? keys : [])].join('.');
    return { path, message: issue.message };
  });
  throw badRequest(issues);
}
