import { canonicalBodyText, sha256Hex } from './content-key';
import { identifyBody } from './occurrence-key';

/** Default of `WEBHOOK_DEDUPE_WINDOW_SECONDS`. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 3600;

/**
 * How long the ingest remembers an occurrence or delivery-id key it has seen: two days, longer
 * than BullMQ keeps a completed job (a day, `WEBHOOK_JOB_OPTIONS`), so that a redelivery is
 * recognised in Redis for as long as the first job could still be there. Past that, the event
 * store, which keeps the key with the event for good, recognises it.
 */
export const KEY_MARKER_TTL_MS = 2 * 24 * 60 * 60 * 1000;

/** Prefix of the key of an event identified by content: `content:<digest>:<receipt stamp>`. */
export const CONTENT_KEY_PREFIX = 'content:';
/** Prefix of keys taken from a delivery-id header: `delivery:<header value>`. */
export const DELIVERY_ID_KEY_PREFIX = 'delivery:';

/** One delivery, as a producer (ingest, import) has it before deciding its identity. */
export interface IdentityInput {
  /** The body exactly as received. */
  rawBody: string;
  /** `JSON.parse(rawBody)`. */
  body: unknown;
  /** Value of the configured delivery-id header, when one is configured and present. */
  deliveryId?: string | undefined;
}

/**
 * The identity of one delivery, before Redis has said whether it is new:
 * - `eventKey`: the key of the event this delivery is, if no earlier delivery claimed the marker;
 * - `marker`: the Redis key (without the queue prefix) that the first delivery claims with
 *   SET NX PX and whose value is that delivery's event key; a later delivery that finds it set
 *   is a redelivery of the event whose key it holds, recognised by `rule`. Null when content
 *   dedupe is off (`windowSeconds` 0) for a body without an occurrence key: every delivery is an
 *   event of its own.
 * - `note`: why a type that declares an occurrence key was identified by content.
 */
export interface IdentityPlan {
  rule: 'delivery-id' | 'occurrence' | 'content-window';
  eventKey: string;
  marker: { name: string; ttlMs: number } | null;
  note: string | null;
}

/**
 * Decides how a delivery is identified (DESIGN.md, "Ingest contract"): a delivery id decides
 * alone; else the occurrence key its event type declares, for good; else the hash of its
 * canonical JSON (lossless numbers) within the window: an identical body received less than
 * `windowSeconds` after the first is a redelivery, after that a new event. The window's event
 * key carries the first delivery's receipt stamp, so the next window's event has another key.
 *
 * @param receiptStamp - this delivery's receipt stamp (decimal), part of a content key.
 * @param windowSeconds - `WEBHOOK_DEDUPE_WINDOW_SECONDS`; 0 turns content dedupe off.
 */
export function planIdentity(
  input: IdentityInput,
  receiptStamp: string,
  windowSeconds: number,
): IdentityPlan {
  if (input.deliveryId !== undefined && input.deliveryId !== '') {
    const eventKey = DELIVERY_ID_KEY_PREFIX + input.deliveryId;
    return { rule: 'delivery-id', eventKey, marker: keyMarker(eventKey), note: null };
  }
  const identity = identifyBody(input.body);
  if (identity.by === 'occurrence') {
    return { rule: 'occurrence', eventKey: identity.key, marker: keyMarker(identity.key), note: null };
  }
  const digest = sha256Hex(canonicalBodyText(input.rawBody, input.body));
  return {
    rule: 'content-window',
    eventKey: `${CONTENT_KEY_PREFIX}${digest}:${receiptStamp}`,
    marker: windowSeconds > 0 ? { name: `identity:window:${digest}`, ttlMs: windowSeconds * 1000 } : null,
    note: identity.reason,
  };
}

function keyMarker(eventKey: string): { name: string; ttlMs: number } {
  // Hashed: an occurrence key or delivery id is sender text of any length.
  return { name: `identity:key:${sha256Hex(eventKey)}`, ttlMs: KEY_MARKER_TTL_MS };
}
