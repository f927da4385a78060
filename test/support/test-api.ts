import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PrismaClient } from '@mirror/db';
import { createLogger } from '@mirror/logger';
import {
  createRedisConnection,
  createWebhookQueue,
  ReceiptClock,
  removeKeysByPrefix,
  type WebhookQueue,
} from '@mirror/queue';
import type { Redis } from '@mirror/queue';
import { createApp } from '../../apps/api/src/app';
import type { ApiDeps } from '../../apps/api/src/deps';
import type { JsonRoute } from '../../apps/api/src/http/json-route';
import { FeedHub, type FeedHubOptions } from '../../apps/api/src/feed/feed-hub';
import { createApiServer } from '../../apps/api/src/http-server';
import type { OpenApiDocument } from '../../apps/api/src/openapi/document';
import { OpenApiValidator } from './openapi-validator';

/** The token the test apps run with. */
export const TEST_TOKEN = 'test-token-0123456789abcdef';

export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** An answer, its JSON body parsed. */
export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** How to call an operation: path parameters (URL-encoded here), query, token (null: none). */
export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  token?: string | null;
}

/** A running API on port 0 over a test database, with a queue under a prefix of its own. */
export interface TestApi {
  url: string;
  openApi: OpenApiDocument;
  validator: OpenApiValidator;
  /** Every JSON route with its spec (the zod schemas the API validates with). */
  routes: readonly JsonRoute[];
  queue: WebhookQueue;
  redis: Redis;
  /** The stream hub, when started with `feed`. */
  feed: FeedHub | undefined;
  /**
   * Calls an operation by its OpenAPI id and checks the answer against the OpenAPI document
   * (status documented, content type, body schema): every test answer is validated this way.
   */
  call<T = unknown>(operationId: string, options?: CallOptions): Promise<TestResponse<T>>;
  /** The same check for a path written by hand (to test URL encoding as sent). */
  callPath<T = unknown>(
    operationId: string,
    pathAndQuery: string,
    token?: string | null,
  ): Promise<TestResponse<T>>;
  /** A plain request (no validation): docs, metrics, admin. */
  fetch(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Options of {@link startTestApi}. */
export interface StartTestApiOptions {
  /** A unique prefix per test file, so that files never see each other's jobs. */
  queuePrefix: string;
  /** Redis for the queue; a dead address tests the API without Redis. */
  redisUrl?: string;
  now?: () => Date;
  /** Serve `/v1/stream` from this database (its LISTEN connection needs the URL). */
  feed?: { databaseUrl: string; options?: FeedHubOptions; maxStreamsPerToken?: number };
}

/** Starts the app as `server.ts` would, but over the test's own Prisma client. */
export async function startTestApi(prisma: PrismaClient, options: StartTestApiOptions): Promise<TestApi> {
  const redis = createRedisConnection(options.redisUrl ?? TEST_REDIS_URL, {
    role: 'producer',
    connectTimeoutMs: 500,
  });
  redis.on('error', () => {
    // Expected in the tests that point at a dead Redis; the stats route reports it.
  });
  const queue = createWebhookQueue(redis, { prefix: options.queuePrefix });
  queue.queue.on('error', () => {
    // Likewise: BullMQ repeats the connection error on its queue.
  });
  const logger = createLogger('api-test', process.env['TEST_LOG_LEVEL'] ?? 'silent');
  const feed =
    options.feed === undefined
      ? undefined
      : new FeedHub(prisma, options.feed.databaseUrl, logger, options.feed.options);
  const deps: ApiDeps = {
    prisma,
    queue,
    config: {
      apiToken: TEST_TOKEN,
      validateResponses: true,
      defaultMetrics: false,
      ...(options.feed?.maxStreamsPerToken !== undefined && {
        maxStreamsPerToken: options.feed.maxStreamsPerToken,
      }),
    },
    logger,
    receiptClock: new ReceiptClock(),
    ...(feed !== undefined && { feed }),
    ...(options.now !== undefined && { now: options.now }),
  };
  const { app, routes } = createApp(deps);
  const server: Server = createApiServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const authHeaders = (token: string | null | undefined): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token ?? TEST_TOKEN}` };

  const openApiResponse = await fetch(`${url}/openapi.json`, { headers: authHeaders(undefined) });
  const openApi = (await openApiResponse.json()) as OpenApiDocument;
  const validator = new OpenApiValidator(openApi);

  async function callPath<T>(
    operationId: string,
    pathAndQuery: string,
    token?: string | null,
  ): Promise<TestResponse<T>> {
    const { method } = validator.find(operationId);
    const res = await fetch(url + pathAndQuery, {
      method: method.toUpperCase(),
      headers: authHeaders(token),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(
        `${operationId} answered ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`,
      );
    }
    validator.check(operationId, res.status, res.headers.get('content-type'), body, res.headers);
    return { status: res.status, headers: res.headers, body: body as T };
  }

  return {
    url,
    openApi,
    validator,
    routes,
    queue,
    redis,
    feed,
    callPath,
    call<T>(operationId: string, call: CallOptions = {}) {
      const { path } = validator.find(operationId);
      const filled = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => {
        const value = call.params?.[name];
        if (value === undefined) throw new Error(`${operationId} needs path parameter ${name}`);
        return encodeURIComponent(value);
      });
      const query = new URLSearchParams(
        Object.entries(call.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
      ).toString();
      return callPath<T>(operationId, query === '' ? filled : `${filled}?${query}`, call.token);
    },
    fetch: (pathAndQuery, init) => fetch(url + pathAndQuery, init),
    async close() {
      await feed?.close();
      // Keep-alive connections stay open for a minute (http-server.ts): cut them, not wait.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await queue.close();
      if (redis.status === 'ready') await removeKeysByPrefix(redis, options.queuePrefix);
      // ioredis lets a socket that never connected linger up to 2 s after this (its own grace
      // timer), which is why jest may report that it "did not exit" after the offline test.
      redis.disconnect();
    },
  };
}

/** Every page of a list operation, following `nextCursor`, with `limit` per page. */
export async function allPages<T>(
  api: TestApi,
  operationId: string,
  options: CallOptions & { limit: number },
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: Record<string, string | number | boolean> = { ...options.query, limit: options.limit };
    if (cursor !== null) query['cursor'] = cursor;
    const res: TestResponse<{ items: T[]; nextCursor: string | null }> = await api.call(operationId, {
      ...options,
      query,
    });
    if (res.status !== 200)
      throw new Error(`${operationId} page ${pages + 1}: ${res.status} ${JSON.stringify(res.body)}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor !== null);
  return { items, pages };
}
