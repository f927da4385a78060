import type { EventName, RehookEvent } from './events';

type Narrow<E, N> = E extends { name: infer M } ? (N extends M ? E & { name: N } : never) : never;

/**
 * The normalized event named `N` (or any of the names in `N`).
 *
 * `Extract<RehookEvent, { name: N }>` does not work for this: the grouped types
 * (`CustomerProfileEvent`, `ReferralEvent`, `SegmentEvent`, `WalletEvent`) carry a union of
 * names, so extracting `'signup'` finds nothing and gives `never`. This narrows those too:
 * `EventOf<'signup'>` is a `CustomerProfileEvent` whose name is `'signup'`.
 */
export type EventOf<N extends EventName> = N extends EventName ? Narrow<RehookEvent, N> : never;

/** The `data` of the normalized event named `N`. */
export type EventData<N extends EventName> = EventOf<N>['data'];
