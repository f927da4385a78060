import type { EventStatus } from '@mirror/db';

export type { EventStatus };

/**
 * Who wrote an event (enum `event_origin` of schema.prisma): `webhook` for Rehook's deliveries,
 * `mirror` for the internal events the mirror appends itself, `reconcile` for records of
 * Rehook's REST API that no webhook brought (appended by reconciliation).
 */
export type EventOrigin = 'webhook' | 'mirror' | 'reconcile';

/** One delivery as the event store keeps it (a row of `events`, without its `seq`). */
export interface NewEvent {
  /** Dedupes redeliveries for good: a second append with the same key stores nothing. */
  idempotencyKey: string;
  /** Orders last-writer-wins registers (ingest accept time in µs, made unique per process). */
  receiptStamp: bigint;
  receivedAt: Date;
  /** Canonical event name; null when unrecognized or unreadable. */
  name: string | null;
  /** The event name exactly as sent; null when missing or not a string. */
  rawName: string | null;
  /** The shop's customer id; "" for events not about a customer. */
  sourceId: string;
  status: EventStatus;
  /** Why the event is `unrecognized` or `invalid`; null when projected. */
  reason: string | null;
  /** The body exactly as received. */
  rawBody: string;
  /** `webhook`, `mirror` or `reconcile` (see {@link EventOrigin}). */
  origin: EventOrigin;
}

/** A stored event, with its insertion order. */
export interface StoredEvent extends NewEvent {
  seq: bigint;
}

/** A position in receipt order: the tuple events are sorted by for a rebuild. */
export interface ReceiptPosition {
  receiptStamp: bigint;
  idempotencyKey: string;
}
