import {
  BODY_HASH_KEY_PREFIX,
  canonicalBodyText,
  CONTENT_KEY_PREFIX,
  idempotencyKeyFromBody,
  OCCURRENCE_KEY_PREFIX,
  type WebhookJobData,
} from '@mirror/delivery-identity';
import type { RecorderClient } from './record-events';

/** A stored event of the previous version, by its key. */
interface PreviousEvent {
  idempotency_key: string;
  received_ms: string;
  raw_body: string;
}

/**
 * Recognises a redelivery that straddles the upgrade to delivery identity: the previous version
 * stored the first delivery under the hash of its body (`sha256:<digest>`, numbers read as
 * doubles), and Rehook redelivers it to today's ingest, which keys it `occurrence:` or
 * `content:` and cannot know the old key. A first delivery whose body has the key of an event
 * the previous version stored less than the dedupe window before it is a redelivery of that
 * event (rule `previous-version`): its delivery is recorded against that event and nothing is
 * stored. Beyond the window it is a new event, as today's content window has it (a genuine
 * repeat: the same order again); an occurrence-keyed body that late is stored too, and its
 * natural id (a transaction, a redemption) keeps the read models from counting it twice.
 *
 * The previous version's events are all older than today's ingest, so once the window has
 * passed since the newest of them no delivery can match: the newest is looked up once per
 * process, from the last window's events only (index on receipt_stamp), and after that the
 * check costs nothing. An old-version job that this process stores (one still queued at the
 * upgrade) moves that horizon; one stored by another worker does not, which is why the README
 * says to drain the queue before upgrading the workers.
 */
export class PreviousVersionRedeliveries {
  private readonly windowMs: number;
  /** Received time (ms) of the newest previous-version event stored at the first call, if any. */
  private newestStored: Promise<number | null> | undefined;
  /** Received time (ms) of the newest previous-version job this process was given since. */
  private newestSeen = -Infinity;

  /** @param windowSeconds - `WEBHOOK_DEDUPE_WINDOW_SECONDS`; 0 turns the recognition off. */
  constructor(
    private readonly db: Pick<RecorderClient, '$queryRawUnsafe'>,
    windowSeconds: number,
  ) {
    this.windowMs = windowSeconds * 1000;
  }

  /**
   * `deliveries`, each one that is a delivery of a previous-version event pointed at that event
   * (its key; `redelivery: 'previous-version'` unless the ingest had already recognised it as a
   * redelivery, whose rule it keeps); the others as they are.
   */
  async identify(deliveries: readonly WebhookJobData[]): Promise<readonly WebhookJobData[]> {
    if (this.windowMs === 0) return deliveries;
    this.noteJobsOfThePreviousVersion(deliveries);
    // A failed look (Postgres away) fails this batch, to be retried, and is not kept.
    this.newestStored ??= this.findNewest().catch((error: unknown) => {
      this.newestStored = undefined;
      throw error;
    });
    const stored = await this.newestStored;
    const newest = Math.max(stored ?? -Infinity, this.newestSeen);
    if (newest === -Infinity) return deliveries;
    const candidates = new Map<number, string>();
    deliveries.forEach((delivery, index) => {
      if (!hasTodaysKey(delivery) || firstReceivedMs(delivery) - newest >= this.windowMs) return;
      const key = previousKeyOf(delivery.rawBody);
      if (key !== undefined) candidates.set(index, key);
    });
    if (candidates.size === 0) return deliveries;
    const found = await this.db.$queryRawUnsafe<PreviousEvent[]>(
      `SELECT idempotency_key, (extract(epoch FROM received_at) * 1000)::bigint::text AS received_ms, raw_body
       FROM events WHERE idempotency_key = ANY($1::text[])`,
      [...new Set(candidates.values())],
    );
    const previousEvents = new Map(found.map((row) => [row.idempotency_key, row]));
    return deliveries.map((delivery, index) => {
      const key = candidates.get(index);
      const previous = key === undefined ? undefined : previousEvents.get(key);
      if (key === undefined || previous === undefined) return delivery;
      if (firstReceivedMs(delivery) - Number(previous.received_ms) >= this.windowMs) return delivery;
      // The previous key read numbers as doubles: bodies that differ only in an integer above
      // 2^53 share it, and are two events today.
      if (!sameContent(previous.raw_body, delivery.rawBody)) return delivery;
      return { ...delivery, idempotencyKey: key, redelivery: delivery.redelivery ?? 'previous-version' };
    });
  }

  private async findNewest(): Promise<number | null> {
    const since = BigInt(Date.now() - this.windowMs) * 1000n;
    const [row] = await this.db.$queryRawUnsafe<{ received_ms: string | null }[]>(
      `SELECT (extract(epoch FROM max(received_at)) * 1000)::bigint::text AS received_ms
       FROM events WHERE receipt_stamp >= $1::bigint AND idempotency_key LIKE '${BODY_HASH_KEY_PREFIX}%'`,
      since.toString(),
    );
    return row?.received_ms == null ? null : Number(row.received_ms);
  }

  /** Jobs queued by the previous version (keys of its form), which this process stores, move the horizon. */
  private noteJobsOfThePreviousVersion(deliveries: readonly WebhookJobData[]): void {
    for (const delivery of deliveries) {
      if (!delivery.idempotencyKey.startsWith(BODY_HASH_KEY_PREFIX)) continue;
      this.newestSeen = Math.max(this.newestSeen, delivery.receivedAt);
    }
  }
}

/**
 * A webhook keyed by today's ingest by occurrence or content (a delivery id decides alone, and
 * keys of the previous version's form are its own jobs, still queued at the upgrade).
 */
function hasTodaysKey(delivery: WebhookJobData): boolean {
  const key = delivery.idempotencyKey;
  return (
    delivery.origin === undefined &&
    delivery.redelivery !== 'delivery-id' &&
    (key.startsWith(OCCURRENCE_KEY_PREFIX) || key.startsWith(CONTENT_KEY_PREFIX))
  );
}

/**
 * When the first delivery of this delivery's event came: its own receipt for a first delivery;
 * for a redelivery of a content key, the stamp the key carries (ms × 1000 + sequence), so that
 * every redelivery follows the decision taken for the first one. An occurrence key carries no
 * time: its redelivery is judged by its own receipt (the first came earlier, so the two agree
 * but for one that straddles the window's end, whose delivery is then kept under today's key).
 */
function firstReceivedMs(delivery: WebhookJobData): number {
  const key = delivery.idempotencyKey;
  const stamp = key.slice(key.lastIndexOf(':') + 1);
  if (delivery.redelivery === undefined || !key.startsWith(CONTENT_KEY_PREFIX) || !/^\d{1,19}$/.test(stamp))
    return delivery.receivedAt;
  return Number(BigInt(stamp) / 1000n);
}

/** Whether two bodies have the same canonical JSON with exact numbers (today's content identity). */
function sameContent(a: string, b: string): boolean {
  try {
    return canonicalBodyText(a, JSON.parse(a)) === canonicalBodyText(b, JSON.parse(b));
  } catch {
    return false;
  }
}

/** The key the previous version gave this body; undefined for a body it did not key so. */
function previousKeyOf(rawBody: string): string | undefined {
  try {
    return rawBody === '' ? undefined : idempotencyKeyFromBody(JSON.parse(rawBody));
  } catch {
    return undefined;
  }
}
