import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MirrorEnv } from '@mirror/config';
import { answerClientErrorsWithProblems } from '@mirror/lifecycle';
import type { Logger } from '@mirror/logger';
import { createRedisConnection, createWebhookQueue, ReceiptClock } from '@mirror/queue';
import type { WebhookQueue } from '@mirror/queue';
import { createApp } from './app';
import { createMetrics } from './metrics';
import { checkRedisPolicy } from './redis-policy-check';
import { createGracefulShutdown } from './shutdown';

/** Readiness probes fail when Redis does not answer a PING this fast. */
const PING_TIMEOUT_MS = 1_000;
/** How long shutdown waits for requests in flight (an enqueue can take up to its timeout). */
const SHUTDOWN_GRACE_MS = 10_000;

/** The settings `startIngest` reads. */
export type IngestEnv = Pick<
  MirrorEnv,
  | 'REDIS_URL'
  | 'QUEUE_PREFIX'
  | 'INGEST_PORT'
  | 'WEBHOOK_PATH'
  | 'WEBHOOK_BASIC_AUTH'
  | 'WEBHOOK_REQUIRED_HEADERS'
  | 'WEBHOOK_DELIVERY_ID_HEADER'
  | 'WEBHOOK_MAX_BODY_BYTES'
  | 'WEBHOOK_DEDUPE_WINDOW_SECONDS'
  | 'INGEST_ENQUEUE_TIMEOUT_MS'
  | 'INGEST_MAX_CONNECTIONS'
  | 'INGEST_MAX_HEADER_BYTES'
  | 'INGEST_REQUEST_TIMEOUT_MS'
  | 'INGEST_HEADERS_TIMEOUT_MS'
  | 'INGEST_KEEP_ALIVE_TIMEOUT_MS'
>;

/** Options of {@link startIngest}. */
export interface StartIngestOptions {
  env: IngestEnv;
  logger: Logger;
  /** Interface to listen on; all of them by default. Tests use 127.0.0.1. */
  host?: string;
  /** Process metrics (CPU, memory); off in tests that start several ingests. */
  defaultMetrics?: boolean;
  /**
   * Called when the ingest can no longer accept webhooks and only a restart would heal it
   * (main.ts exits, so the supervisor restarts the process). Requests meanwhile get 503.
   */
  onFatal?: (error: unknown) => void;
}

/** A listening ingest. */
export interface RunningIngest {
  server: Server;
  /** `http://host:port` as bound (useful with port 0). */
  url: string;
  queue: WebhookQueue;
  /** Requests being handled. */
  inFlight: () => number;
  /** Graceful shutdown: stop accepting, finish requests in flight, close the queue and Redis. */
  shutdown: (reason: string) => Promise<void>;
}

/**
 * Wires Redis, the queue, the app and the HTTP server, and listens. The composition root
 * (main.ts) adds only config parsing, the logger and signal handling, so tests start exactly
 * what production runs.
 */
export async function startIngest(options: StartIngestOptions): Promise<RunningIngest> {
  const { env, logger } = options;
  const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-ingest' });
  // ioredis reports every failed reconnect attempt; log the first of a series only.
  let redisDown = false;
  const lost = (error?: Error) => {
    if (!redisDown) logger.error({ err: error }, 'Redis connection lost; webhooks get 503 until it is back');
    redisDown = true;
  };
  redis.on('error', lost);
  redis.on('close', () => lost());
  redis.on('ready', () => {
    if (redisDown) logger.info('Redis connection back');
    redisDown = false;
    void checkRedisPolicy(redis, logger);
  });

  const queue = createWebhookQueue(redis, {
    prefix: env.QUEUE_PREFIX,
    dedupeWindowSeconds: env.WEBHOOK_DEDUPE_WINDOW_SECONDS,
  });
  queue.queue.on('error', (error: Error) => logger.error({ err: error }, 'queue error'));
  let queueBroken = false;
  queue.queue.waitUntilReady().catch((error: unknown) => {
    // BullMQ waits for Redis at start-up, but gives up for good if the connection drops in the
    // middle of its initialisation; from then on every add fails.
    queueBroken = true;
    logger.fatal({ err: error }, 'the queue could not initialise; the ingest must restart');
    options.onFatal?.(error);
  });

  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    inFlight: () => graceful.inFlight(),
  });
  // Slow or greedy senders cannot hold the ingest: a request head over the limit gets 431, a
  // request that does not arrive in time 408, and connections beyond the cap are refused.
  // Node checks those timeouts every `connectionsCheckingInterval` (30 s by default), which
  // would let a slow sender overstay a short timeout by up to 30 s; once a second costs nothing.
  const server = createServer({
    maxHeaderSize: env.INGEST_MAX_HEADER_BYTES,
    connectionsCheckingInterval: 1000,
  });
  server.requestTimeout = env.INGEST_REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(env.INGEST_HEADERS_TIMEOUT_MS, env.INGEST_REQUEST_TIMEOUT_MS);
  server.keepAliveTimeout = env.INGEST_KEEP_ALIVE_TIMEOUT_MS;
  server.maxConnections = env.INGEST_MAX_CONNECTIONS;
  answerClientErrorsWithProblems(server);
  const graceful = createGracefulShutdown({
    server,
    logger,
    timeoutMs: SHUTDOWN_GRACE_MS,
    closeResources: async () => {
      await queue.close().catch((error: unknown) => logger.warn({ err: error }, 'closing the queue failed'));
      await redis.quit().catch(() => redis.disconnect());
    },
  });

  const app = createApp({
    config: {
      webhookPath: env.WEBHOOK_PATH,
      basicAuth: env.WEBHOOK_BASIC_AUTH,
      requiredHeaders: env.WEBHOOK_REQUIRED_HEADERS,
      deliveryIdHeader: env.WEBHOOK_DELIVERY_ID_HEADER,
      maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
      enqueueTimeoutMs: env.INGEST_ENQUEUE_TIMEOUT_MS,
    },
    enqueue: (job, timeoutMs) => queue.enqueue(job, timeoutMs),
    pingRedis: async () => {
      if (queueBroken) throw new Error('the queue could not initialise');
      await pingWithin(redis, PING_TIMEOUT_MS);
    },
    isDraining: graceful.isDraining,
    clock: new ReceiptClock(),
    logger,
    metrics,
  });
  server.on('request', app);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.INGEST_PORT, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  logger.info(
    {
      port,
      address,
      path: env.WEBHOOK_PATH,
      basicAuth: env.WEBHOOK_BASIC_AUTH !== undefined,
      requiredHeaders: env.WEBHOOK_REQUIRED_HEADERS?.map((h) => h.name) ?? [],
      deliveryIdHeader: env.WEBHOOK_DELIVERY_ID_HEADER ?? null,
      maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
      queuePrefix: env.QUEUE_PREFIX,
    },
    'ingest listening',
  );
  return { server, url, queue, inFlight: graceful.inFlight, shutdown: graceful.shutdown };
}

async function pingWithin(redis: WebhookQueue['redis'], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
