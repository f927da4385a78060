import type { Delivery } from './effects';
import { expectedSummary } from './expected';
import type { ExpectedSummary } from './expected';
import { postWebhook } from './http-sender';
import type { SendResult, WebhookTarget } from './http-sender';

/** Options of {@link runSimulation}. */
export interface SimulationOptions {
  target: WebhookTarget;
  /** Deliveries started per second. */
  rate: number;
  /** Stop starting deliveries after this many seconds. */
  durationS: number;
  /** Requests in flight at once, across lanes. */
  concurrency: number;
  /** Called after every settled delivery. */
  onProgress?: (done: number, failed: number) => void;
  /** Aborts the run: nothing new is started, in-flight requests finish. */
  signal?: AbortSignal;
  /**
   * The ingest's `WEBHOOK_DEDUPE_WINDOW_SECONDS`: a genuine repeat (`Delivery.repeatOf`) is sent
   * only once this long has passed since the earlier delivery was acknowledged, so that the
   * ingest takes it for an event of its own. @defaultValue 3600
   */
  dedupeWindowSeconds?: number;
}

/** Beyond the window, for the clocks of this process and the ingest's Redis to agree. */
export const REPEAT_MARGIN_MS = 500;

/** One delivery that was not acknowledged. */
export interface FailedDelivery {
  seq: number;
  eventName: string;
  status: number | null;
  error: string;
}

/** What a run sent, and what the mirror should hold afterwards. */
export interface SimulationReport {
  started: number;
  acknowledged: number;
  failed: number;
  /** Attempts beyond the first, over all deliveries. */
  retries: number;
  /** Deliveries by `event_name`, redeliveries included. */
  sentByName: Record<string, number>;
  /** The first 20 failures. */
  failures: FailedDelivery[];
  elapsedMs: number;
  /** Over acknowledged deliveries only. */
  expected: ExpectedSummary;
}

/** Thrown when nothing answers at the target: no point in sending the rest. */
export class UnreachableError extends Error {
  constructor(url: string, cause: string) {
    super(`no answer from ${url} (${cause}): is the ingest running, and is --url right?`);
    this.name = 'UnreachableError';
  }
}

/** Consecutive deliveries that got no HTTP answer at all before the run gives up. */
const UNREACHABLE_AFTER = 10;

/** Thrown when the ingest refuses the credentials: nothing else can succeed either. */
export class UnauthorizedError extends Error {
  constructor(url: string) {
    super(
      `${url} answered 401: the ingest expects other credentials. Pass --basic-auth user:password and ` +
        '--header Name=value as configured in WEBHOOK_BASIC_AUTH and WEBHOOK_REQUIRED_HEADERS.',
    );
    this.name = 'UnauthorizedError';
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends deliveries at `rate` per second until they run out or `durationS` has passed, then
 * waits for those in flight (each is bounded by the target's timeout and retries), so a run
 * always ends by itself. Deliveries of one lane go one at a time, in order: see
 * {@link Delivery.lane}.
 */
export async function runSimulation(
  deliveries: Iterable<Delivery>,
  options: SimulationOptions,
): Promise<SimulationReport> {
  const startedAt = Date.now();
  const deadline = startedAt + options.durationS * 1000;
  const laneTails = new Map<string, Promise<void>>();
  const pending = new Set<Promise<void>>();
  const acknowledged: Delivery[] = [];
  const failures: FailedDelivery[] = [];
  const sentByName: Record<string, number> = {};
  let failed = 0;
  let retries = 0;
  let started = 0;
  let active = 0;
  let unauthorized: UnauthorizedError | undefined;
  let unreachable: UnreachableError | undefined;
  let unanswered = 0;
  const slotWaiters: (() => void)[] = [];
  /** When each delivery was acknowledged (or given up): a genuine repeat waits on its earlier one. */
  const settledAt = new Map<number, number>();
  const windowMs = (options.dedupeWindowSeconds ?? 3600) * 1000;

  const acquire = async () => {
    while (active >= options.concurrency) await new Promise<void>((resolve) => slotWaiters.push(resolve));
    active++;
  };
  const release = () => {
    active--;
    slotWaiters.shift()?.();
  };
  const record = (delivery: Delivery, result: SendResult) => {
    retries += result.attempts > 0 ? result.attempts - 1 : 0;
    unanswered = result.ok || result.status !== null ? 0 : unanswered + 1;
    if (unanswered >= UNREACHABLE_AFTER && acknowledged.length === 0 && !result.ok) {
      unreachable ??= new UnreachableError(options.target.url, result.error);
    }
    if (result.ok) {
      acknowledged.push(delivery);
    } else {
      failed++;
      if (result.status === 401) unauthorized ??= new UnauthorizedError(options.target.url);
      if (failures.length < 20) {
        failures.push({
          seq: delivery.seq,
          eventName: delivery.eventName,
          status: result.status,
          error: result.error,
        });
      }
    }
    options.onProgress?.(acknowledged.length + failed, failed);
  };

  for (const delivery of deliveries) {
    if (unauthorized !== undefined || unreachable !== undefined || options.signal?.aborted) break;
    // Pace: delivery n starts at n / rate seconds.
    const dueAt = startedAt + (started * 1000) / options.rate;
    if (dueAt >= deadline) break;
    const wait = dueAt - Date.now();
    if (wait > 0) await sleep(wait);
    // Keep the number of waiting tasks bounded when lanes or the ingest fall behind.
    while (pending.size >= options.concurrency * 8) await Promise.race(pending);

    started++;
    sentByName[delivery.eventName] = (sentByName[delivery.eventName] ?? 0) + 1;
    const previous = laneTails.get(delivery.lane) ?? Promise.resolve();
    const task = previous.then(async () => {
      if (unauthorized !== undefined || unreachable !== undefined) {
        // Not sent: counted as failed without an attempt, so that the totals still add up.
        failed++;
        return;
      }
      if (delivery.repeatOf !== undefined) {
        // Its lane sent the earlier delivery before it: that one has settled.
        const hold = (settledAt.get(delivery.repeatOf) ?? 0) + windowMs + REPEAT_MARGIN_MS - Date.now();
        if (hold > 0) await sleep(hold);
      }
      await acquire();
      try {
        record(delivery, await postWebhook(options.target, delivery.rawBody));
      } finally {
        release();
        settledAt.set(delivery.seq, Date.now());
      }
    });
    laneTails.set(delivery.lane, task);
    pending.add(task);
    void task.finally(() => {
      pending.delete(task);
      if (laneTails.get(delivery.lane) === task) laneTails.delete(delivery.lane);
    });
  }
  await Promise.all(pending);
  if (unauthorized !== undefined) throw unauthorized;
  if (unreachable !== undefined) throw unreachable;

  acknowledged.sort((a, b) => a.seq - b.seq);
  return {
    started,
    acknowledged: acknowledged.length,
    failed,
    retries,
    sentByName,
    failures,
    elapsedMs: Date.now() - startedAt,
    expected: expectedSummary(acknowledged),
  };
}
