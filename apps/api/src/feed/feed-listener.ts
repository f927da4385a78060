import { Client } from 'pg';
import type { Logger } from '@mirror/logger';

/** The channel the `events_notify_feed` trigger notifies when a transaction that stored events commits. */
export const FEED_CHANNEL = 'mirror_events';

const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * The one `LISTEN` connection of an API process: calls `onWake` on every notification, and
 * once after each (re)connection, since notifications sent while it was away are lost. A lost
 * connection is reopened with a growing delay, for as long as the process runs.
 */
export class FeedListener {
  private client: Client | undefined;
  private closed = false;
  private reconnectDelayMs = 100;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly onWake: () => void,
    private readonly logger: Logger,
  ) {}

  /** Connects and listens; resolves once listening (or once the first attempt has failed). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'mirror-api-feed' });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = undefined;
      if (this.closed) return;
      this.logger.warn({ err: error }, 'feed listener lost its Postgres connection; reconnecting');
      client.end().catch(() => {});
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', () => this.onWake());
    try {
      await client.connect();
      await client.query(`LISTEN ${FEED_CHANNEL}`);
    } catch (error) {
      onLost(error as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.reconnectDelayMs = 100;
    this.onWake();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== undefined) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delay * 2, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
