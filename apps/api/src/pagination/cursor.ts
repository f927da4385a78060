import { z } from 'zod';
import { badRequest } from '../problem';

/**
 * Opaque cursors: base64url of JSON `{l: list, k: sortKey}`, where `sortKey` is the sort key of
 * the last row of the previous page. The list name stops a cursor of one list from being used
 * on another; the key is validated on decode, so a forged or truncated cursor is a 400, never a
 * database error. Cursors are not signed: they carry nothing the caller could not ask for
 * directly.
 */
export function encodeCursor(list: string, key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify({ l: list, k: key }), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for `list`, checking its key against `key`.
 * @throws HttpProblem 400 when the cursor is not one of ours for this list.
 */
export function decodeCursor<K extends z.ZodType>(list: string, key: K, cursor: string): z.output<K> {
  const invalid = () => badRequest([{ path: 'query.cursor', message: 'is not a cursor of this list' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const envelope = z.strictObject({ l: z.literal(list), k: z.unknown() }).safeParse(parsed);
  if (!envelope.success) throw invalid();
  const decoded = key.safeParse(envelope.data.k);
  if (!decoded.success) throw invalid();
  return decoded.data;
}
