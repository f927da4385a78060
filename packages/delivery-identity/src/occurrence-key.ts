import { canonicalEventName, lookupField, OCCURRENCE_KEYS } from '@mirror/catalog';
import type { EventName } from '@mirror/catalog';
import { LosslessNumber } from './lossless-json';

/** Prefix of every occurrence key: `occurrence:<canonical event name>:<JSON array of parts>`. */
export const OCCURRENCE_KEY_PREFIX = 'occurrence:';

/**
 * How a body is identified when no delivery id decides:
 * - `occurrence`: by the occurrence key its event type declares (`OCCURRENCE_KEYS` in the
 *   catalog), for good;
 * - `content`: by its content, within the dedupe window. `reason` says why a type that declares
 *   an occurrence key did not get one from this body (a field missing, empty or of the wrong
 *   type); it is null for types that declare none and for unknown event names.
 */
export type OccurrenceIdentity = { by: 'occurrence'; key: string } | { by: 'content'; reason: string | null };

const CONTENT: OccurrenceIdentity = { by: 'content', reason: null };

/**
 * Identifies a parsed body by its event type's occurrence key (see {@link OccurrenceIdentity}).
 * Never throws; any body gets an answer.
 *
 * @param eventName - the body's `event_name` as sent, or a canonical name; unknown names and
 *   non-strings are identified by content.
 * @param body - the parsed body (from `JSON.parse` or `parseLosslessJson`).
 */
export function identifyOccurrence(eventName: unknown, body: unknown): OccurrenceIdentity {
  const name = typeof eventName === 'string' ? canonicalEventName(eventName) : null;
  if (name === null) return CONTENT;
  const { fields } = OCCURRENCE_KEYS[name];
  if (fields === null) return CONTENT;
  const parts: string[] = [];
  for (const path of fields) {
    let value: unknown = body;
    for (const step of path) value = lookupField(value, step);
    const problem = unusable(value);
    if (problem !== null) {
      return { by: 'content', reason: `${path.join('.')} ${problem}, so ${name} is deduplicated by content` };
    }
    parts.push(value as string);
  }
  return { by: 'occurrence', key: occurrenceKeyFrom(name, parts) };
}

/**
 * The occurrence key of a body of the event `eventName`, or null when its type declares none or
 * the body lacks a usable value. This is the key a webhook of that event gets, so that an event
 * appended by the mirror itself (a wallet transaction found by reconciliation) and the webhook
 * for the same occurrence are one event.
 *
 * @param eventName - canonical or as sent (`customer.referral.successfull.advocate`).
 * @param body - the whole parsed body: `{event_name, source_id, metadata: {...}}`.
 */
export function occurrenceKey(eventName: string, body: unknown): string | null {
  const identity = identifyOccurrence(eventName, body);
  return identity.by === 'occurrence' ? identity.key : null;
}

/** Identifies a parsed body by the `event_name` it carries (see {@link identifyOccurrence}). */
export function identifyBody(body: unknown): OccurrenceIdentity {
  return identifyOccurrence(lookupField(body, 'event_name'), body);
}

function occurrenceKeyFrom(name: EventName, parts: string[]): string {
  // JSON.stringify of an array of strings is its canonical JSON.
  return `${OCCURRENCE_KEY_PREFIX}${name}:${JSON.stringify(parts)}`;
}

/** Why a field's value cannot identify an occurrence, or null when it can. */
function unusable(value: unknown): string | null {
  if (value === undefined) return 'is missing';
  if (value === null) return 'is null';
  if (typeof value !== 'string') return `is not a string but ${kindOf(value)}`;
  // Rehook writes "NA" for an id it does not know: many unrelated events would share it.
  if (value.trim() === '' || value.trim() === 'NA') return `is ${value.trim() === '' ? 'empty' : '"NA"'}`;
  return null;
}

function kindOf(value: unknown): string {
  if (value instanceof LosslessNumber) return 'a number';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
