import type { Logger } from '@mirror/logger';
import type { ReadDb } from '../deps';
import { lastFinalPosition, readFeed } from '../queries/events';
import type { StoredEvent } from '../schemas/events';
import { FeedListener } from './feed-listener';
import { feedKey, laterPosition, type FeedPosition } from './position';
import type { StreamClient } from './stream-client';

/** Tuning of a {@link FeedHub}; the defaults suit production, tests shorten the timers. */
export interface FeedHubOptions {
  /** Events per read, for the hub and for each stream catching up. @defaultValue 500 */
  pageSize?: number;
  /** Events per read for streams that asked for bodies (up to a MiB each). @defaultValue 20 */
  bodyPageSize?: number;
  /** A comment line this often keeps proxies from closing an idle stream. @defaultValue 15 000 */
  heartbeatMs?: number;
  /** Unsent bytes above which a stream stops being fed until its client catches up. @defaultValue 1 MiB */
  maxBufferBytes?: number;
  /** How long a stream's client may take to read what was sent before it is cut off. @defaultValue 30 000 */
  drainPatienceMs?: number;
  /**
   * How long a cut-off client may take to read the `cutoff` message (and what was before it)
   * before its connection is dropped. @defaultValue 30 000
   */
  cutoffGraceMs?: number;
}

/**
 * While some committed event waits for finality, the hub re-reads this long after its last
 * read, unless a notification woke it sooner: a backstop for the transactions that end without
 * one (a rollback, a writer other than the recorder). Every recorder commit notifies, so under
 * traffic the timer seldom fires.
 */
const MIN_RECHECK_MS = 25;
/** The longest such wait, reached once the feed has been held back for about a second (a long transaction). */
const MAX_RECHECK_MS = 200;
/** The recheck delay grows with the time the frontier has stood still, by this fraction of it. */
const RECHECK_BACKOFF = 1 / 5;

/**
 * Feeds every `/v1/stream` of an API process from one `LISTEN` connection and one reader.
 *
 * A notification (a transaction that stored events has committed) wakes the hub, which reads
 * the final events after its own frontier once, through the same query as
 * `/v1/events?after=`, and hands the batch to every live stream, each taking the events it
 * wants. A stream that is behind (resuming from an old position, asking for bodies, or too slow
 * to take what it was given) reads the store itself, at its own pace, through that same query,
 * until it reaches the hub's frontier and goes live again. So the server holds at most a page
 * and a stream's buffer per stream, and the database sees one query per wake, not one per
 * client.
 *
 * A committed event is not always final yet (an older transaction may still be running, and
 * may end without a notification: rolled back, or writing neither events nor deliveries).
 * While some stored event is not final the hub re-reads on a short timer, until it is.
 */
export class FeedHub {
  private readonly clients = new Set<StreamClient>();
  /** Every stream whose connection is still open, cut-off ones included (they may hold bytes). */
  private readonly connected = new Set<StreamClient>();
  private readonly listener: FeedListener;
  private frontier: FeedPosition | undefined;
  private started: Promise<void> | undefined;
  private reading = false;
  private readAgain = false;
  private recheckTimer: NodeJS.Timeout | undefined;
  /** When the frontier last moved, or events started waiting for finality: what the recheck backs off from. */
  private progressAt = Date.now();
  private waiting = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly pageSize: number;
  private readonly bodyPageSize: number;
  private readonly maxBufferBytes: number;
  private readonly drainPatienceMs: number;
  private readonly cutoffGraceMs: number;
  private readonly heartbeatMs: number;

  constructor(
    private readonly db: ReadDb,
    databaseUrl: string,
    private readonly logger: Logger,
    options: FeedHubOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.bodyPageSize = options.bodyPageSize ?? 20;
    this.maxBufferBytes = options.maxBufferBytes ?? 1024 * 1024;
    this.drainPatienceMs = options.drainPatienceMs ?? 30_000;
    this.cutoffGraceMs = options.cutoffGraceMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.listener = new FeedListener(databaseUrl, () => this.wake(), logger);
  }

  /** Starts listening and learns the current frontier (once; later calls wait for the first). */
  start(): Promise<void> {
    this.started ??= (async () => {
      this.frontier = await lastFinalPosition(this.db);
      await this.listener.start();
      this.heartbeat = setInterval(() => this.beat(), this.heartbeatMs);
    })();
    return this.started;
  }

  /** Number of open streams. */
  get size(): number {
    return this.clients.size;
  }

  /**
   * Bytes written to the streams of this process and not yet taken by their clients' sockets:
   * what slow clients make the server hold. Bounded per stream by `maxBufferBytes` plus the
   * page written when it was last below that, and freed once a cut-off stream's connection is
   * dropped.
   */
  unsentBytes(): number {
    let bytes = 0;
    for (const client of this.connected) bytes += client.unsentBytes();
    return bytes;
  }

  /** Serves a stream until it closes; the caller has written the response head. */
  async serve(client: StreamClient): Promise<void> {
    await this.start();
    this.clients.add(client);
    this.connected.add(client);
    client.res.once('close', () => {
      this.clients.delete(client);
      this.connected.delete(client);
      client.markClosed();
    });
    try {
      await this.catchUpLoop(client);
    } catch (error) {
      this.logger.error({ err: error }, 'a stream failed to read the feed');
      client.cutOff('the feed could not be read; reconnect with Last-Event-ID to resume', this.cutoffGraceMs);
    } finally {
      this.clients.delete(client);
    }
  }

  /** Wakes the hub: read what became final. Coalesced: one read at a time, one more if woken meanwhile. */
  wake(): void {
    if (this.closed || this.started === undefined) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = true;
    void this.readLoop().finally(() => (this.reading = false));
  }

  private async readLoop(): Promise<void> {
    do {
      this.readAgain = false;
      try {
        await this.readOnce();
      } catch (error) {
        this.logger.error({ err: error }, 'the feed hub failed to read the feed; retrying');
        this.scheduleRecheck(1000);
        return;
      }
    } while (this.readAgain && !this.closed);
  }

  private async readOnce(): Promise<void> {
    const from = this.frontier;
    // Whether events wait for finality comes from the page's own statement: an event the page
    // could not serve yet is either waited for (the timer below) or committed after it, and
    // then its commit's notification wakes the hub again.
    const {
      events: rows,
      finalUpTo,
      waiting,
    } = await readFeed(
      this.db,
      { after: from === undefined ? undefined : feedKey(from), includeBody: false },
      this.pageSize,
    );
    const batch = rows.slice(0, this.pageSize);
    const full = rows.length > this.pageSize;
    this.frontier = laterPosition(from, full ? batch[batch.length - 1]?.position : finalUpTo);
    for (const client of this.clients) {
      if (client.live) this.deliver(client, batch);
      else client.notify();
    }
    if (batch.length > 0 || waiting !== this.waiting) this.progressAt = Date.now();
    this.waiting = waiting;
    if (full) this.readAgain = true;
    else if (waiting) this.scheduleRecheck(this.recheckDelay());
  }

  /** Short while the frontier moves, longer once a long transaction has held it for a while. */
  private recheckDelay(): number {
    const stillFor = Date.now() - this.progressAt;
    return Math.min(MAX_RECHECK_MS, Math.max(MIN_RECHECK_MS, stillFor * RECHECK_BACKOFF));
  }

  /** Hands a live stream the events of a batch it wants and has not read; demotes it if it lags. */
  private deliver(client: StreamClient, batch: readonly StoredEvent[]): void {
    const read = client.read;
    client.send(
      batch.filter((event) => (read === undefined || event.position > read) && client.matches(event)),
    );
    client.read = laterPosition(client.read, this.frontier);
    if (client.unsentBytes() > this.maxBufferBytes) {
      client.live = false;
      client.notify();
    }
  }

  /**
   * A stream's own reads: from its start position, page by page, waiting for its client to
   * take each page; live once a short page has taken it to the hub's frontier or past it.
   */
  private async catchUpLoop(client: StreamClient): Promise<void> {
    const pageSize = client.filter.includeBody ? this.bodyPageSize : this.pageSize;
    while (!client.closed && !this.closed) {
      if (client.live) {
        await client.nextWake();
        continue;
      }
      if (client.unsentBytes() > this.maxBufferBytes && !(await client.drained(this.drainPatienceMs))) {
        client.cutOff(
          `the client read too slowly: ${client.unsentBytes()} bytes were still unread after ` +
            `${this.drainPatienceMs / 1000} s; reconnect with Last-Event-ID to resume`,
          this.cutoffGraceMs,
        );
        return;
      }
      if (client.closed) return;
      const read = client.read;
      const { events: rows, finalUpTo } = await readFeed(
        this.db,
        {
          names: client.filter.names,
          sourceId: client.filter.sourceId,
          includeBody: client.filter.includeBody,
          after: read === undefined ? undefined : feedKey(read),
        },
        pageSize,
      );
      client.send(rows.slice(0, pageSize));
      if (rows.length > pageSize) continue;
      // A short page: every matching event final when it was read has been sent.
      client.read = laterPosition(client.read, finalUpTo);
      if (client.filter.includeBody) {
        // Bodies are not in the hub's batches: read again after the next wake.
        await client.nextWake();
        continue;
      }
      // The hub hands a live stream only what it reads after its frontier: a stream that has
      // read up to there misses nothing. One behind it (the hub read meanwhile, or this read's
      // horizon was lower) reads again.
      const frontier = this.frontier;
      if (frontier === undefined || (client.read !== undefined && client.read >= frontier))
        client.live = true;
    }
  }

  /** Re-reads `ms` from now (counted from the last read: a notification's read postpones it). */
  private scheduleRecheck(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      this.wake();
    }, ms);
  }

  private beat(): void {
    for (const client of this.clients) {
      if (client.unsentBytes() <= this.maxBufferBytes) client.comment('keep-alive');
    }
  }

  /** Ends every stream (each told why) and the listening connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.recheckTimer);
    clearInterval(this.heartbeat);
    for (const client of this.clients)
      client.cutOff('the API is shutting down; reconnect to resume', this.cutoffGraceMs);
    this.clients.clear();
    await this.listener.close();
  }
}
