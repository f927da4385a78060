import { EventSource } from 'eventsource';
import type { StoredEvent } from '../../apps/api/src/schemas/events';

/** What a follower of the feed has seen so far. */
export interface Follower {
  /** Every event received, in the order received (duplicates kept: the tests look for them). */
  readonly events: StoredEvent[];
  stop(): Promise<void>;
}

/** A follower of the stream: also its messages' ids, its connections and the cutoffs it was sent. */
export interface StreamFollower extends Follower {
  /** Connections that opened (the first one, then each reconnection). */
  readonly opens: () => number;
  /** The `id:` of each message, in the order received. */
  readonly ids: string[];
  /** `cutoff` messages received, with their reasons. */
  readonly cutoffs: string[];
}

/**
 * A consumer of `GET /v1/stream` through the `eventsource` package, as a downstream service
 * would write one: the package reconnects by itself after a dropped connection or a `cutoff`,
 * sending `Last-Event-ID`. When it gives up (a non-200 answer, e.g. a 503 while the API
 * restarts) the follower opens a new one after the last id it saw, with `?after=`, as its
 * documentation tells consumers to.
 */
export function followStream(apiUrl: string, token: string, query = ''): StreamFollower {
  const events: StoredEvent[] = [];
  const ids: string[] = [];
  const cutoffs: string[] = [];
  let opens = 0;
  let stopped = false;
  let source: EventSource | undefined;
  let retry: NodeJS.Timeout | undefined;

  const open = () => {
    const last = events[events.length - 1]?.position;
    const params = new URLSearchParams(query);
    if (last !== undefined) params.set('after', last);
    const url = `${apiUrl}/v1/stream${params.size === 0 ? '' : `?${params.toString()}`}`;
    const es = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } }),
    });
    source = es;
    es.onopen = () => opens++;
    es.onmessage = (message) => {
      events.push(JSON.parse(String(message.data)) as StoredEvent);
      ids.push(message.lastEventId);
    };
    es.addEventListener('cutoff', (message) => {
      cutoffs.push((JSON.parse(String(message.data)) as { reason: string }).reason);
    });
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED || stopped) return;
      retry = setTimeout(open, 500);
    };
  };
  open();

  return {
    events,
    ids,
    opens: () => opens,
    cutoffs,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      source?.close();
      await Promise.resolve();
    },
  };
}

/**
 * A poller of `GET /v1/events?after=`: reads a page, passes the last position it saw, and waits
 * a little when a page comes back empty. Errors (the API restarting) are retried.
 */
export function pollFeed(apiUrl: string, token: string, pageSize = 200): Follower {
  const events: StoredEvent[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const last = events[events.length - 1]?.position;
      const query = new URLSearchParams({ limit: String(pageSize) });
      if (last !== undefined) query.set('after', last);
      let items: StoredEvent[] = [];
      try {
        const res = await fetch(`${apiUrl}/v1/events?${query.toString()}`, {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
        items = ((await res.json()) as { items: StoredEvent[] }).items;
      } catch {
        // The API is restarting or overloaded: ask again.
      }
      events.push(...items);
      if (items.length < pageSize) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    events,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** Positions strictly increasing: in feed order, none twice. */
export function inFeedOrder(events: readonly StoredEvent[]): boolean {
  return events.every((event, i) => i === 0 || (events[i - 1] as StoredEvent).position < event.position);
}
