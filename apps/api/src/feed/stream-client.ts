import type { ServerResponse } from 'node:http';
import type { StoredEvent } from '../schemas/events';
import { laterPosition, type FeedPosition } from './position';

/**
 * The SSE message of each event object, made once: the hub hands the same batch of events to
 * every live stream, so with a hundred streams an event is serialized once, not a hundred times.
 * (Keyed weakly by the object: a batch's frames go when the batch does.)
 */
const frames = new WeakMap<StoredEvent, string>();

function frameOf(event: StoredEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

/** What one stream asked for. */
export interface StreamFilter {
  /** Canonical names; empty: every name. */
  names: readonly string[];
  sourceId: string | undefined;
  includeBody: boolean;
}

/**
 * One `/v1/stream` response: its filter, how far it has read the feed, and the SSE framing.
 * `read` is the position up to which every matching final event has been sent (not only the
 * last event sent: a filtered stream moves past events it does not want).
 */
export class StreamClient {
  read: FeedPosition | undefined;
  /** True while the hub hands it each new batch; false while it reads the store itself. */
  live = false;
  closed = false;
  private woken = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly res: ServerResponse,
    readonly filter: StreamFilter,
    start: FeedPosition | undefined,
  ) {
    this.read = start;
  }

  matches(event: StoredEvent): boolean {
    const { names, sourceId } = this.filter;
    return (
      (names.length === 0 || (event.name !== null && names.includes(event.name))) &&
      (sourceId === undefined || event.sourceId === sourceId)
    );
  }

  /** Writes events as SSE messages (`id:` = position) and moves `read` past them. */
  send(events: readonly StoredEvent[]): void {
    if (this.closed || events.length === 0) return;
    let frames = '';
    for (const event of events) frames += frameOf(event);
    this.res.write(frames);
    this.read = laterPosition(this.read, events[events.length - 1]?.position);
  }

  /** Bytes written but not yet taken by the client's socket. */
  unsentBytes(): number {
    return this.res.writableLength;
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text}\n\n`);
  }

  /**
   * Ends the stream with a last `cutoff` event saying why; the client may reconnect and resume.
   * A client that has not taken it within `graceMs` loses the connection: otherwise a client
   * that never reads would keep what was written to it in the server for as long as it likes.
   */
  cutOff(reason: string, graceMs: number): void {
    if (this.closed) return;
    this.res.end(`event: cutoff\ndata: ${JSON.stringify({ reason })}\n\n`);
    this.markClosed();
    if (this.res.writableFinished) return;
    const timer = setTimeout(() => this.res.destroy(), graceMs);
    timer.unref();
    this.res.once('close', () => clearTimeout(timer));
  }

  markClosed(): void {
    this.closed = true;
    this.notify();
  }

  /** Wakes the client's own read loop (a new batch it must read itself, a demotion, the end). */
  notify(): void {
    this.woken = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Resolves at the next {@link notify}, or at once if one came since the last wait. */
  async nextWake(): Promise<void> {
    if (!this.woken) await new Promise<void>((resolve) => (this.wake = resolve));
    this.woken = false;
  }

  /** Resolves true once the socket has taken what was written, false after `patienceMs`. */
  async drained(patienceMs: number): Promise<boolean> {
    if (this.res.writableLength === 0 || this.closed) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.res.off('drain', onDrain);
        this.res.off('close', onDrain);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const timer = setTimeout(() => done(false), patienceMs);
      this.res.on('drain', onDrain);
      this.res.on('close', onDrain);
    });
  }
}
