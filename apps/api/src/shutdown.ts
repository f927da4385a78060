import type { Server } from 'node:http';
import type { Logger } from '@mirror/logger';

/**
 * Graceful shutdown of the API's HTTP server: stop accepting connections, let the requests in
 * flight finish (up to `timeoutMs`, then cut what is left: reads are safe to retry, and a
 * fulfilment either committed or did not), then close the pools. Idempotent: later calls get
 * the first call's promise.
 */
export function createShutdown(options: {
  server: Server;
  logger: Logger;
  closeResources: () => Promise<void>;
  timeoutMs: number;
}): (reason: string) => Promise<void> {
  const { server, logger } = options;
  let draining: Promise<void> | undefined;

  async function run(reason: string): Promise<void> {
    const started = Date.now();
    logger.info({ reason }, 'shutting down: no new connections, finishing requests in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with no request in flight would hold `close` until they time out.
    server.closeIdleConnections();
    const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(resolve, options.timeoutMs, 'timeout');
    });
    if ((await Promise.race([closed, deadline])) === 'timeout') {
      logger.warn('shutdown deadline passed: cutting the remaining connections');
      server.closeAllConnections();
      await closed;
    }
    clearTimeout(timer);
    clearInterval(idleSweep);
    await options.closeResources();
    logger.info({ ms: Date.now() - started }, 'shut down');
  }

  return (reason) => {
    draining ??= run(reason);
    return draining;
  };
}
