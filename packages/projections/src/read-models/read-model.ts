import type { EventName, RehookEvent } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import type { Register } from '../merge/registers';

/** The events named `N` (for a multi-name type such as the referral events: all names listed). */
export type EventOf<N extends EventName> = Extract<RehookEvent, { name: N }>;

/**
 * A read model's projection: the explicit list of events it handles, and a pure function from
 * one of those events to the rows it contributes.
 */
export interface ReadModel {
  name: string;
  handles: ReadonlySet<EventName>;
  /** Only called with events in `handles`. */
  project(event: RehookEvent, meta: EventMeta): Change[];
}

/** Declares a read model from its event list and its projection of exactly those events. */
export function readModel<N extends EventName>(
  name: string,
  events: readonly N[],
  project: (event: EventOf<N>, meta: EventMeta) => Change[],
): ReadModel {
  const handles: ReadonlySet<EventName> = new Set(events);
  return {
    name,
    handles,
    // Sound: the caller checks `handles` first, and `handles` is exactly N.
    project: (event, meta) => project(event as EventOf<N>, meta),
  };
}

/**
 * The `default` of a switch over `event.name`: fails to compile when a case is missing; never
 * runs.
 */
export function assertNever(name: never): never {
  throw new Error(`unhandled event name ${String(name)}`);
}

/** A register holding `value` as reported by the event of `meta`, or null for no value. */
export function reported<T>(value: T | null, meta: EventMeta): Register<T> | null {
  return value === null ? null : { value, stamp: meta.receiptStamp, key: meta.idempotencyKey };
}
