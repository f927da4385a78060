import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { parseLosslessJson } from './lossless-json';

/**
 * A number token that a double might not hold exactly: 16 or more digits (and dots) in a row,
 * or an exponent. A body without one reads the same through `JSON.parse` as losslessly (every
 * decimal of at most 15 significant digits survives the double and `String(number)` gives it
 * back, see `canonicalNumberText`). Digits inside strings can match too; that only sends the
 * body down the slower, exact path.
 */
const MAYBE_INEXACT_NUMBER = /\d[\d.]{15}|\d[eE][-+\d]/;

/**
 * Canonical JSON of a body (see `canonicalJson`) with every number at its exact value: bodies
 * that differ only in an integer above 2^53, or in a number's spelling that changes its value,
 * have different texts; bodies that differ only in key order, whitespace or a number's spelling
 * that keeps its value (`1.0`, `1`) have the same.
 *
 * @param rawBody - the body as received.
 * @param body - `JSON.parse(rawBody)`, already at hand in every producer; used as it is when
 *   the raw text holds no number a double could blur, which is nearly always.
 */
export function canonicalBodyText(rawBody: string, body: unknown): string {
  return canonicalJson(MAYBE_INEXACT_NUMBER.test(rawBody) ? parseLosslessJson(rawBody) : body);
}

/** SHA-256 of text, 64 hex digits. */
export function sha256Hex(text: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12): same digest as createHash().update().digest(), without
  // a Hash object per call.
  return hash('sha256', text, 'hex');
}

/** The content digest of a body: SHA-256 of {@link canonicalBodyText}. */
export function contentDigest(rawBody: string, body: unknown): string {
  return sha256Hex(canonicalBodyText(rawBody, body));
}
