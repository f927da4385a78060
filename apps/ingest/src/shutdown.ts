import type { Server, ServerResponse } from 'node:http';
import type { Logger } from '@mirror/logger';

/** Tracks requests in flight and runs the graceful shutdown of one HTTP server. */
export interface GracefulShutdown {
  /** Requests received and not yet answered (or abandoned). */
  inFlight: () => number;
  /** True once {@link GracefulShutdown.shutdown} was called. */
  isDraining: () => boolean;
  /**
   * Stops accepting connections, lets every request in flight finish (up to the deadline),
   * then runs `closeResources` (queue, Redis). Idempotent: later calls return the same promise.
   */
  shutdown: (reason: string) => Promise<void>;
}

/** Options of {@link createGracefulShutdown}. */
export interface GracefulShutdownOptions {
  server: Server;
  logger: Logger;
  /** Closes what the requests needed; runs after the last request finished. */
  closeResources: () => Promise<void>;
  /**
   * How long to wait for requests in flight. Past it, the remaining connections are cut: their
   * senders get no answer, so they retry, and nothing acknowledged is lost.
   */
  timeoutMs: number;
}

/**
 * Attach to the server before it listens. Once draining, every answer carries
 * `Connection: close`, so keep-alive senders reconnect (to another replica) instead of sending
 * more requests here; requests that still arrive on an open connection are served, as Redis
 * stays open until the last one is answered.
 */
export function createGracefulShutdown(options: GracefulShutdownOptions): GracefulShutdown {
  const { server, logger } = options;
  const active = new Set<ServerResponse>();
  let draining: Promise<void> | undefined;

  server.on('request', (_req, res: ServerResponse) => {
    active.add(res);
    if (draining !== undefined) res.setHeader('connection', 'close');
    res.once('close', () => {
      active.delete(res);
      // An answer sent before draining began may have kept its connection alive: close it now
      // that it is idle, or `server.close` would wait for the keep-alive timeout.
      if (draining !== undefined) server.closeIdleConnections();
    });
  });

  async function run(reason: string): Promise<void> {
    const started = Date.now();
    logger.info(
      { reason, inFlight: active.size },
      'shutting down: no new connections, finishing requests in flight',
    );
    for (const res of active) if (!res.headersSent) res.setHeader('connection', 'close');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs, 'timeout');
    });
    if ((await Promise.race([closed, deadline])) === 'timeout') {
      logger.error(
        { inFlight: active.size },
        'shutdown deadline passed: cutting the remaining connections (their senders get no answer and will retry)',
      );
      server.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
    await options.closeResources();
    logger.info({ ms: Date.now() - started }, 'shut down');
  }

  return {
    inFlight: () => active.size,
    isDraining: () => draining !== undefined,
    shutdown(reason) {
      draining ??= run(reason);
      return draining;
    },
  };
}
