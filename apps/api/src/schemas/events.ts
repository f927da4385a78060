import { z } from 'zod';
import { FeedPosition } from '../feed/position';
import { pageOf, Timestamp } from './common';
import { named } from './registry';

export const EventStatus = z.enum(['projected', 'unrecognized', 'invalid']);
export type EventStatus = z.infer<typeof EventStatus>;

/** One stored event (a row of the append-only event store). */
export const StoredEvent = named(
  'StoredEvent',
  z.strictObject({
    /**
     * Where the event is in the global feed: pass it as `after` (or `Last-Event-ID`) to read on
     * from there. Opaque; positions sort as strings in feed order.
     */
    position: FeedPosition,
    /** Insertion order in the event store (not the feed's order: transactions commit out of it). */
    seq: z.int().nonnegative(),
    /**
     * The event's key (docs/delivery-identity.md): `delivery:<id>`, `occurrence:<name>:<parts>`
     * or `content:<digest>:<stamp>`; `sha256:<digest>` for events stored before delivery
     * identity; `fulfil:<redemptionId>` for the API's own fulfilments.
     */
    idempotencyKey: z.string(),
    receivedAt: Timestamp,
    storedAt: Timestamp,
    /** Canonical name; null when unrecognized or unreadable. */
    name: z.string().nullable(),
    /** The name exactly as sent. */
    rawName: z.string().nullable(),
    /** "" for events not about a customer. */
    sourceId: z.string(),
    status: EventStatus,
    /** Why an event is `unrecognized` or `invalid`. */
    reason: z.string().nullable(),
    /**
     * `webhook` (from Rehook), `mirror` (appended by the mirror itself) or `reconcile` (a record
     * of Rehook's REST API that no webhook brought, appended by reconciliation).
     */
    origin: z.enum(['webhook', 'mirror', 'reconcile']),
    /** How many deliveries were recognised as this event: 1, plus one per redelivery. */
    deliveries: z.int().min(1),
    /**
     * Why the event was deduplicated by content within the window although its type declares
     * an occurrence key (the key field missing, empty or mistyped); null otherwise.
     */
    identityNote: z.string().nullable(),
    /** The body exactly as received; only with `includeBody=true`. */
    rawBody: z.string().optional(),
  }),
);
export type StoredEvent = z.infer<typeof StoredEvent>;
export const StoredEventPage = pageOf('StoredEventPage', StoredEvent);
export type StoredEventPage = z.infer<typeof StoredEventPage>;
