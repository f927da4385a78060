import type { z } from 'zod';

/** Reasons name at most this many problems; the raw body is stored for the rest. */
const MAX_LISTED = 3;

function formatPath(path: readonly PropertyKey[]): string {
  let text = 'metadata';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : `.${String(segment)}`;
  return text;
}

/**
 * Turn a payload schema's issues into the reason stored with an invalid event, naming each
 * field by its path in the body: `metadata.wallet.transaction_id is missing`.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED).map((issue) => {
    // The catalog's own issues are worded to follow the path ("is missing"); zod's are not.
    const separator = issue.code === 'custom' ? ' ' : ': ';
    return `${formatPath(issue.path)}${separator}${issue.message}`;
  });
  if (issues.length > MAX_LISTED) listed.push(`and ${issues.length - MAX_LISTED} more`);
  return listed.join('; ');
}

/** Quote text from a body inside a reason, shortened so that a huge value cannot bloat it. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
