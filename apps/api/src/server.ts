import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import type { Logger } from '@mirror/logger';
import { createRedisConnection, createWebhookQueue, ReceiptClock } from '@mirror/queue';
import { createApp } from './app';
import { FeedHub } from './feed/feed-hub';
import { createApiServer } from './http-server';
import { rateLimited } from './middleware/rate-limit';
import { createShutdown } from './shutdown';

/** How long shutdown waits for requests in flight. */
const SHUTDOWN_GRACE_MS = 10_000;

/** The settings `startApi` reads; the token is required here (main.ts refuses to start without it). */
export type ApiEnv = Pick<MirrorEnv, 'DATABASE_URL' | 'REDIS_URL' | 'QUEUE_PREFIX' | 'API_PORT'> &
  Partial<Pick<MirrorEnv, 'API_RATE_LIMIT_PER_MINUTE' | 'API_STREAMS_PER_TOKEN'>> & {
    API_TOKEN: string;
  };

/** Options of {@link startApi}. */
export interface StartApiOptions {
  env: ApiEnv;
  logger: Logger;
  /** Interface to listen on; all of them by default. */
  host?: string;
  /** Process metrics (CPU, memory); off in tests. @defaultValue true */
  defaultMetrics?: boolean;
}

/** A listening API. */
export interface RunningApi {
  server: Server;
  /** `http://host:port` as bound (useful with port 0). */
  url: string;
  /** Stop accepting, finish requests in flight, close the queue, Redis and the Postgres pool. */
  shutdown: (reason: string) => Promise<void>;
}

/**
 * Wires Postgres, Redis, the queue and the app, and listens on `API_PORT`. main.ts adds only
 * config parsing, the logger and signals, so tests can start exactly what production runs.
 */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { env, logger } = options;
  const prisma = createPrisma(env.DATABASE_URL, { role: 'api' });
  // A producer connection fails fast while Redis is away, so /v1/stats answers without the
  // queue part instead of hanging; nothing else in the API needs Redis.
  const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-api' });
  let redisDown = false;
  redis.on('error', (error: Error) => {
    if (!redisDown)
      logger.warn({ err: error }, 'Redis connection error; queue stats and dashboard unavailable');
    redisDown = true;
  });
  redis.on('ready', () => {
    redisDown = false;
  });
  const webhookQueue = createWebhookQueue(redis, { prefix: env.QUEUE_PREFIX });
  // BullMQ repeats the connection's errors on the queue; logged above already, once.
  webhookQueue.queue.on('error', () => {});
  // Started by the first stream: a process nobody streams from holds no LISTEN connection.
  const feed = new FeedHub(prisma, env.DATABASE_URL, logger);
  const { app } = createApp({
    prisma,
    queue: webhookQueue,
    config: {
      apiToken: env.API_TOKEN,
      defaultMetrics: options.defaultMetrics ?? true,
      maxStreamsPerToken: env.API_STREAMS_PER_TOKEN ?? MirrorEnv.shape.API_STREAMS_PER_TOKEN.parse(undefined),
    },
    logger,
    receiptClock: new ReceiptClock(),
    feed,
  });

  // Unset only when a caller builds the env by hand (tests): the schema's default then.
  const limit = env.API_RATE_LIMIT_PER_MINUTE ?? MirrorEnv.shape.API_RATE_LIMIT_PER_MINUTE.parse(undefined);
  const server = createApiServer(rateLimited(app, { limit }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.API_PORT, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, 'api listening');

  const drain = createShutdown({
    server,
    logger,
    timeoutMs: SHUTDOWN_GRACE_MS,
    closeResources: async () => {
      await webhookQueue.close();
      await redis.quit().catch(() => redis.disconnect());
      await prisma.$disconnect();
    },
  });
  // Streams never end by themselves: end them first (each told why), so the drain is quick.
  const shutdown = async (reason: string) => {
    await feed.close();
    await drain(reason);
  };
  return { server, url, shutdown };
}
