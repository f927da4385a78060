export { canonicalJson, writeCanonicalJson } from './canonical-json';
export { canonicalNumberText, LosslessNumber, parseLosslessJson } from './lossless-json';
export { canonicalBodyText, contentDigest, sha256Hex } from './content-key';
export { eventIdentityOf, identityOfKey } from './event-identity';
export { identifyBody, identifyOccurrence, OCCURRENCE_KEY_PREFIX, occurrenceKey } from './occurrence-key';
export type { OccurrenceIdentity } from './occurrence-key';
export {
  CONTENT_KEY_PREFIX,
  DEFAULT_DEDUPE_WINDOW_SECONDS,
  DELIVERY_ID_KEY_PREFIX,
  KEY_MARKER_TTL_MS,
  identityClaim,
  planIdentity,
  ruleOfKey,
} from './window-rule';
export type { IdentityInput, IdentityPlan } from './window-rule';
export {
  BODY_HASH_KEY_PREFIX,
  idempotencyKeyFromBody,
  idempotencyKeyFromDeliveryId,
  jobIdForKey,
} from './idempotency-key';
export { ReceiptClock, compareReceiptStamps } from './receipt-clock';
export type { ReceiptStamp } from './receipt-clock';
export type { RedeliveryRule, WebhookJobData } from './webhook-job';
