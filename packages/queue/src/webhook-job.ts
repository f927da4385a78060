/** The BullMQ queue that carries accepted webhooks from the ingest to the workers. */
export const WEBHOOK_QUEUE = 'rehook-webhooks';

/**
 * What the ingest hands to the workers for every accepted delivery. Everything the event store
 * needs comes from here: the worker never looks at HTTP.
 */
export interface WebhookJobData {
  /** The request body exactly as received: UTF-8 text of a JSON object, or empty (a test ping). */
  rawBody: string;
  /** Delivery-id header value, or the hash of the body's canonical JSON. */
  idempotencyKey: string;
  /**
   * Receipt stamp as a decimal string: accept time in ms × 1000 + a per-process sequence
   * (monotonic within an ingest process). Orders last-writer-wins registers.
   */
  receiptStamp: string;
  /** Accept time, ms since the epoch. */
  receivedAt: number;
}
