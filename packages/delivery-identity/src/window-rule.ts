import { canonicalBodyText, sha256Hex } from './content-key';
import { identifyBody } from './occurrence-key';
import type { RedeliveryRule } from './webhook-job';

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
 * The identity of one delivery, before Redis has said whether it is new: `eventKey` is the key
 * of the event it is, unless an earlier delivery claimed its marker (see {@link identityClaim});
 * `note` says why a type that declares an occurrence key was identified by content.
 */
export interface IdentityPlan {
  rule: RedeliveryRule;
  eventKey: string;
  note: string | null;
}

/**
 * Decides how a delivery is identified (DESIGN.md, "Ingest contract"): a delivery id decides
 * alone; else the occurrence key its event type declares, for good; else the hash of its
 * canonical JSON (lossless numbers) within the window. A content key carries the first
 * delivery's receipt stamp, so that the same body after the window is another event.
 *
 * @param receiptStamp - this delivery's receipt stamp (decimal), part of a content key.
 */
export function planIdentity(input: IdentityInput, receiptStamp: string): IdentityPlan {
  if (input.deliveryId !== undefined && input.deliveryId !== '') {
    return { rule: 'delivery-id', eventKey: DELIVERY_ID_KEY_PREFIX + input.deliveryId, note: null };
  }
  const identity = identifyBody(input.body);
  if (identity.by === 'occurrence') return { rule: 'occurrence', eventKey: identity.key, note: null };
  const digest = sha256Hex(canonicalBodyText(input.rawBody, input.body));
  return {
    rule: 'content-window',
    eventKey: `${CONTENT_KEY_PREFIX}${digest}:${receiptStamp}`,
    note: identity.reason,
  };
}

/**
 * The marker the first delivery of an event claims in Redis (SET NX PX, its value the event
 * key), and by which rule a later delivery that finds it taken is a redelivery:
 * - a content key (`content:<digest>:<stamp>`): the digest's window marker, for
 *   `windowSeconds`; none when `windowSeconds` is 0 (content dedupe off: every delivery is an
 *   event of its own);
 * - any other key (occurrence, delivery id, and keys of earlier versions): the key's marker, for
 *   {@link KEY_MARKER_TTL_MS}.
 *
 * @param windowSeconds - `WEBHOOK_DEDUPE_WINDOW_SECONDS`.
 */
export function identityClaim(
  eventKey: string,
  windowSeconds: number,
): { marker: string; ttlMs: number; rule: RedeliveryRule } | null {
  if (eventKey.startsWith(CONTENT_KEY_PREFIX)) {
    if (windowSeconds <= 0) return null;
    const digest = eventKey.slice(CONTENT_KEY_PREFIX.length, CONTENT_KEY_PREFIX.length + 64);
    return {
      marker: `identity:window:${digest}`,
      ttlMs: Math.round(windowSeconds * 1000),
      rule: 'content-window',
    };
  }
  // Hashed: an occurrence key or delivery id is sender text of any length.
  return {
    marker: `identity:key:${sha256Hex(eventKey)}`,
    ttlMs: KEY_MARKER_TTL_MS,
    rule: ruleOfKey(eventKey),
  };
}

/**
 * The rule by which a delivery with this event key is recognised as a redelivery: from the
 * key's form. Keys of earlier versions (`sha256:`, `fulfil:`) hold for good, like occurrence keys.
 */
export function ruleOfKey(eventKey: string): RedeliveryRule {
  if (eventKey.startsWith(CONTENT_KEY_PREFIX)) return 'content-window';
  return eventKey.startsWith(DELIVERY_ID_KEY_PREFIX) ? 'delivery-id' : 'occurrence';
}
