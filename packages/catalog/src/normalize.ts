import type { EventName, NormalizeResult, RehookEvent } from './events';
import { fieldPicker, isRecord } from './field-lookup';
import { canonicalEventName } from './names';
import { describeIssues, quote } from './reasons';
import { PAYLOAD_SCHEMAS } from './schemas';
import { requiresSourceId } from './requires-source-id';
import { readString, WRONG_TYPE } from './values';

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /**
   * Who wrote the body: `webhook` for a delivery from Rehook, `mirror` for an event the mirror
   * appended itself (the API's reward fulfilment). Internal events (`mirror.reward.fulfilled`)
   * are read only from `mirror`: otherwise anyone able to POST a webhook could mark rewards
   * fulfilled, and the shop would never credit them. From a webhook they are `invalid`, with a
   * reason. A rebuild passes the origin stored with each event. `reconcile` (records of
   * Rehook's REST API appended by reconciliation) reads like a webhook.
   *
   * @default 'webhook'
   */
  origin?: 'webhook' | 'mirror' | 'reconcile';
}

const INTERNAL_EVENTS: ReadonlySet<EventName> = new Set<EventName>(['mirror.reward.fulfilled']);

const pickEnvelope = fieldPicker(['event_name', 'source_id', 'metadata']);

/** No metadata at all reads as no fields, so that each required field names itself missing. */
const NO_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Read a webhook body (the parsed JSON, any value) as one of the catalog's events.
 *
 * - `recognized`: a known event, with every quirk of the wire format resolved (DESIGN.md,
 *   "Reading Rehook payloads").
 * - `unrecognized`: a JSON object whose `event_name` the catalog does not know.
 * - `invalid`: not an object, no usable `event_name`, or a known event missing what its natural
 *   key needs; `reason` says what, naming the field.
 *
 * Never throws, whatever the body: a failure of the catalog itself is reported as `invalid`.
 * Cheap enough for the worker's hot path: the schemas are built once, at module load, and the
 * body is read, not cloned (only customer properties and coupon details are copied).
 */
export function normalize(body: unknown, options: NormalizeOptions = {}): NormalizeResult {
  const seen: Seen = { name: null, rawName: null, sourceId: '' };
  try {
    return read(body, options, seen);
  } catch (error) {
    return invalid(seen, `the catalog failed to read this body (${describeError(error)})`);
  }
}

/** What has been read so far, so that even a failure reports the name and customer. */
interface Seen {
  name: EventName | null;
  rawName: string | null;
  sourceId: string;
}

function read(body: unknown, options: NormalizeOptions, seen: Seen): NormalizeResult {
  if (!isRecord(body)) {
    const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    return invalid(seen, `the body must be a JSON object, not ${kind}`);
  }
  const envelope = pickEnvelope(body);

  // The shop's own id, kept exactly as sent ("NA" included). A number reads as its text (a shop
  // may use numeric ids, and some senders type them as numbers); absent, blank or unusable reads
  // as "", which only events about a customer refuse (see requiresSourceId).
  const sourceId = readString(envelope.source_id, false);
  seen.sourceId = typeof sourceId === 'string' ? sourceId : '';

  const rawName = envelope.event_name;
  if (typeof rawName !== 'string') {
    return invalid(
      seen,
      rawName === undefined || rawName === null ? 'event_name is missing' : 'event_name must be a string',
    );
  }
  seen.rawName = rawName;
  if (rawName.trim() === '') return invalid(seen, 'event_name is empty');

  const name = canonicalEventName(rawName);
  if (name === null) {
    return {
      outcome: 'unrecognized',
      rawName,
      sourceId: seen.sourceId,
      reason: `unknown event name ${quote(rawName)}`,
    };
  }
  seen.name = name;

  if (INTERNAL_EVENTS.has(name) && options.origin !== 'mirror') {
    return invalid(seen, `${name} is internal to the mirror and is not accepted from a webhook`);
  }
  if (seen.sourceId === '' && requiresSourceId(name)) {
    const problem =
      sourceId === WRONG_TYPE
        ? 'must be a string'
        : envelope.source_id === undefined || envelope.source_id === null
          ? 'is missing'
          : 'is empty';
    return invalid(seen, `source_id ${problem}, but ${name} is about a customer`);
  }

  const metadata = envelope.metadata ?? NO_METADATA;
  if (!isRecord(metadata)) return invalid(seen, 'metadata must be an object');

  const parsed = PAYLOAD_SCHEMAS[name].safeParse(metadata);
  if (!parsed.success) return invalid(seen, describeIssues(parsed.error.issues));

  // Sound by construction: PAYLOAD_SCHEMAS[name] is typed to give exactly the data of `name`,
  // which TypeScript cannot correlate through the union of names.
  const event = { name, rawName, sourceId: seen.sourceId, data: parsed.data } as RehookEvent;
  return { outcome: 'recognized', event };
}

function invalid(seen: Seen, reason: string): NormalizeResult {
  return { outcome: 'invalid', name: seen.name, rawName: seen.rawName, sourceId: seen.sourceId, reason };
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}
