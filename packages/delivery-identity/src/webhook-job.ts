/**
 * How a delivery was recognised as a redelivery of an event already accepted: by the ingest
 * (`delivery-id`, `occurrence`, `content-window`), or by the worker, for a body that the version
 * before delivery identity stored under its body hash less than the window before
 * (`previous-version`, see `PreviousVersionRedeliveries` in @mirror/projections).
 */
export type RedeliveryRule = 'delivery-id' | 'occurrence' | 'content-window' | 'previous-version';

/**
 * What the ingest hands to the workers for every accepted delivery (the job's data, whatever
 * carries it). Everything the event store needs comes from here: the worker never looks at HTTP.
 */
export interface WebhookJobData {
  /** The request body exactly as received: UTF-8 text of a JSON object, or empty (a test ping). */
  rawBody: string;
  /**
   * The key of the event this delivery is: `delivery:<id>`, `occurrence:<name>:<parts>`, or
   * `content:<digest>:<stamp>` (see `planIdentity`); `sha256:<digest>` and `fulfil:<id>` on
   * events stored by earlier versions and by the API. The event store keeps one event per key.
   */
  idempotencyKey: string;
  /**
   * Receipt stamp as a decimal string: accept time in ms × 1000 + a per-process sequence
   * (monotonic within an ingest process). Orders last-writer-wins registers.
   */
  receiptStamp: string;
  /** Accept time, ms since the epoch. */
  receivedAt: number;
  /**
   * Set when the ingest recognised this delivery as a redelivery of the event
   * `idempotencyKey`, by this rule: the worker records the delivery and stores no event from it.
   * Absent on the first delivery of an event (and on jobs queued by earlier versions).
   */
  redelivery?: RedeliveryRule;
  /**
   * Why a body whose event type declares an occurrence key was identified by content instead
   * (the key field missing, empty or mistyped); stored with the event.
   */
  identityNote?: string;
  /**
   * Unique id of this delivery, the key of its row in `deliveries`: a retried job records it
   * once. Absent on jobs queued by earlier versions, whose job id derives from the event key.
   */
  receiptId?: string;
  /**
   * The origin of an event the mirror appended itself (`mirror`: a reward fulfilment;
   * `reconcile`: a record from Rehook's REST API), replayed by `mirror import` from an export
   * with meta; absent (a webhook) on everything else. The ingest never sets it: a webhook cannot
   * claim to be an internal event.
   */
  origin?: 'mirror' | 'reconcile';
}
