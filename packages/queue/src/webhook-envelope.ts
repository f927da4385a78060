import { randomUUID } from 'node:crypto';
import { planIdentity } from '@mirror/delivery-identity';
import type { ReceiptClock, WebhookJobData } from '@mirror/delivery-identity';

/** A JSON object as `JSON.parse` returns it. */
export type JsonObject = Record<string, unknown>;

/** Why a body cannot be accepted; the ingest answers 400 for either. */
export type BodyParseResult =
  { ok: true; body: JsonObject } | { ok: false; reason: 'not-json' | 'not-an-object'; detail: string };

/**
 * The only check every producer applies to a body: it must be JSON, and a JSON object. Event
 * semantics (names, fields) are the worker's business: an unknown or invalid event is still
 * accepted and stored (DESIGN.md, invariant 4).
 */
export function parseWebhookBody(rawBody: string): BodyParseResult {
  let value: unknown;
  try {
    value = JSON.parse(rawBody);
  } catch (error) {
    return { ok: false, reason: 'not-json', detail: (error as Error).message };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, reason: 'not-an-object', detail: `the body is ${kind}, not a JSON object` };
  }
  return { ok: true, body: value as JsonObject };
}

/** One accepted delivery, before it is stamped. */
export interface WebhookDelivery {
  /** The body exactly as received (UTF-8 text). */
  rawBody: string;
  /**
   * `rawBody` parsed (see {@link parseWebhookBody}); passed in so it is not parsed twice. `null`
   * for an empty body: a webhook "Test" button may send nothing, and must still get 200 (the
   * worker stores it as `invalid`, "empty body (test ping?)").
   */
  body: JsonObject | null;
  /** Value of the configured delivery-id header, if one is configured and present. */
  deliveryId?: string | undefined;
}

/**
 * The job every producer (ingest, CLI import) hands to the workers: the raw body, the key of the
 * event it is if it turns out to be the first delivery (`planIdentity`: delivery id, occurrence
 * key, or content key), a receipt stamp taken now from `clock`, and a fresh receipt id (its job
 * id and its row in `deliveries`). Whether it is the first delivery is decided in Redis when it
 * is added (`WebhookQueue.enqueue`).
 */
export function buildWebhookJob(delivery: WebhookDelivery, clock: ReceiptClock): WebhookJobData {
  const { stamp, receivedAt } = clock.next();
  const receiptStamp = stamp.toString();
  const plan = planIdentity(delivery, receiptStamp);
  // The key last: the add script swaps it for a redelivery's without parsing the JSON, and
  // serializing the data in that order saves building its text twice (`claimArguments`).
  return {
    rawBody: delivery.rawBody,
    receiptStamp,
    receivedAt,
    receiptId: randomUUID(),
    ...(plan.note !== null && { identityNote: plan.note }),
    idempotencyKey: plan.eventKey,
  };
}
