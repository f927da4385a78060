import { canonicalJson } from './canonical-json';
import { sha256Hex } from './content-key';
import { DELIVERY_ID_KEY_PREFIX } from './window-rule';

/** Prefix of keys derived from the body: `sha256:<64 hex digits>`. */
export const BODY_HASH_KEY_PREFIX = 'sha256:';
/** The form of every key {@link idempotencyKeyFromBody} makes. */
const BODY_HASH_KEY = /^sha256:[0-9a-f]{64}$/;

/**
 * Idempotency key of a body without a delivery id: the SHA-256 of its canonical JSON, so that a
 * redelivery that re-serializes the same event (other key order, other whitespace) is still
 * recognised. Rehook sends no event id; DESIGN.md explains why hashing the body is acceptable.
 *
 * @param body - the parsed body (what `JSON.parse` returned); `null` for an empty body.
 */
export function idempotencyKeyFromBody(body: unknown): string {
  return BODY_HASH_KEY_PREFIX + sha256Hex(canonicalJson(body));
}

/**
 * Idempotency key from a delivery-id header (set by a gateway in front of the ingest). The
 * prefix keeps such keys apart from body hashes, so a delivery id can never collide with one.
 */
export function idempotencyKeyFromDeliveryId(deliveryId: string): string {
  return DELIVERY_ID_KEY_PREFIX + deliveryId;
}

/**
 * The BullMQ job id of an idempotency key: 64 hex digits. Custom job ids may not contain `:` and
 * may not look like integers, while delivery ids are arbitrary header text; 64 hex digits
 * satisfy both rules (such a string never round-trips through `parseInt`) and keep Redis key
 * names short and uniform. A body-hash key already ends in its 64 hex digits, which are its job
 * id (hashing them again cost ~1% of the ingest's CPU); a delivery-id key is hashed. The two
 * cannot collide: a body hash is the digest of canonical JSON, which starts with `{` (or is
 * `null`, the key of an empty body), and a delivery-id key starts with `delivery:`.
 *
 * @param idempotencyKey - a key from {@link idempotencyKeyFromBody} or
 *   {@link idempotencyKeyFromDeliveryId}.
 */
export function jobIdForKey(idempotencyKey: string): string {
  return BODY_HASH_KEY.test(idempotencyKey)
    ? idempotencyKey.slice(BODY_HASH_KEY_PREFIX.length)
    : sha256Hex(idempotencyKey);
}
