import { identityOfKey } from '@mirror/delivery-identity';

/** One body to deliver, with the identity of the event the mirror should make it (see event-identity). */
export interface Sendable {
  key: string;
  rawBody: string;
}

/** Everything the sender saw: the ground truth that the event store is checked against. */
export interface TrafficLedger {
  /** Deliveries started (bodies sent at least once; redeliveries count again). */
  deliveries: number;
  /** Keys of every body that reached the wire at least once, whatever the answer. */
  sent: Set<string>;
  /** Keys answered 200 at least once: these must be in the event store exactly once. */
  acknowledged: Set<string>;
  /** Deliveries that ended without a 200 after every retry. */
  unacknowledged: number;
  /** Answers per attempt, by status (`network` for a refused or timed-out connection). */
  answers: Record<string, number>;
  /** 200 answers whose `idempotencyKey` was not the body's own event identity. */
  keyMismatches: number;
}

/** Options of {@link sendTraffic}. */
export interface TrafficOptions {
  /** Where to POST; a function is asked again for every attempt (a load balancer's choice). */
  url: string | (() => string);
  headers: Record<string, string>;
  /** Deliveries started per second. */
  rate: number;
  /** Stop starting deliveries after this many seconds. */
  durationS: number;
  /** Requests in flight at once. @defaultValue 16 */
  concurrency?: number;
  /** Further attempts after a 5xx, a 429 or a network error, as Rehook retries. @defaultValue 12 */
  retries?: number;
  /** Per attempt. @defaultValue 5000 */
  timeoutMs?: number;
}

/** A ledger with nothing in it. */
export function emptyLedger(): TrafficLedger {
  return {
    deliveries: 0,
    sent: new Set(),
    acknowledged: new Set(),
    unacknowledged: 0,
    answers: {},
    keyMismatches: 0,
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs one body until it is acknowledged or its retries run out (backoff 100 ms doubling to
 * 1 s: shorter than Rehook's, so a scenario stays short, but the same shape), recording every
 * answer in the ledger.
 */
export async function deliver(
  item: Sendable,
  options: Omit<TrafficOptions, 'rate' | 'durationS'>,
  ledger: TrafficLedger,
): Promise<boolean> {
  const retries = options.retries ?? 12;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await sleep(Math.min(100 * 2 ** (attempt - 1), 1000));
    let status: string;
    try {
      ledger.sent.add(item.key);
      const url = typeof options.url === 'string' ? options.url : options.url();
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/json' },
        body: item.rawBody,
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      const text = await response.text();
      status = String(response.status);
      if (response.status === 200) {
        ledger.answers[status] = (ledger.answers[status] ?? 0) + 1;
        const answered = (JSON.parse(text) as { idempotencyKey?: unknown }).idempotencyKey;
        if (typeof answered !== 'string' || identityOfKey(answered) !== item.key) ledger.keyMismatches++;
        ledger.acknowledged.add(item.key);
        return true;
      }
      ledger.answers[status] = (ledger.answers[status] ?? 0) + 1;
      if (response.status < 500 && response.status !== 429) return false;
    } catch {
      ledger.answers['network'] = (ledger.answers['network'] ?? 0) + 1;
    }
  }
  return false;
}

/**
 * Sends bodies at `rate` per second for at most `durationS` seconds (or until they run out),
 * at most `concurrency` at once, then waits for those in flight. Bounded in count and time.
 */
export async function sendTraffic(
  items: Iterable<Sendable>,
  options: TrafficOptions,
  ledger: TrafficLedger = emptyLedger(),
): Promise<TrafficLedger> {
  const concurrency = options.concurrency ?? 16;
  const started = Date.now();
  const deadline = started + options.durationS * 1000;
  const inFlight = new Set<Promise<void>>();
  let n = 0;
  for (const item of items) {
    const due = started + (n * 1000) / options.rate;
    if (due >= deadline) break;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    n++;
    ledger.deliveries++;
    const task = deliver(item, options, ledger).then((ok) => {
      if (!ok) ledger.unacknowledged++;
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  return ledger;
}
