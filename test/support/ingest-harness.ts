import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { parseEnv } from '@mirror/config';
import { createLogger } from '@mirror/logger';
import { createRedisConnection, removeKeysByPrefix } from '@mirror/queue';
import type { Redis, WebhookBullQueue } from '@mirror/queue';
import { startIngest } from '../../apps/ingest/src/server';
import type { RunningIngest } from '../../apps/ingest/src/server';

/** The shared test Redis (see test/global-setup.ts). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A running ingest on a unique queue prefix, with its log lines and a Redis client to look. */
export interface TestIngest {
  ingest: RunningIngest;
  url: string;
  webhookUrl: string;
  prefix: string;
  /** The ingest's queue, for assertions (counts, jobs). */
  queue: WebhookBullQueue;
  /** Every log line the ingest wrote, as text. */
  logs: string[];
  /** Shuts the ingest down (if the test did not) and deletes the prefix's keys. */
  stop: () => Promise<void>;
}

/**
 * Starts the ingest exactly as main.ts does, from environment strings, on 127.0.0.1 and a
 * free port, under a unique QUEUE_PREFIX.
 */
export async function startTestIngest(
  env: Record<string, string> = {},
  options: { logLevel?: string } = {},
): Promise<TestIngest> {
  const prefix = `test-ingest-${randomUUID()}`;
  const parsed = parseEnv({
    REDIS_URL: TEST_REDIS_URL,
    INGEST_PORT: '0',
    INGEST_ENQUEUE_TIMEOUT_MS: '1000',
    QUEUE_PREFIX: prefix,
    ...env,
  });
  const logs: string[] = [];
  const logger = createLogger('ingest', options.logLevel ?? 'info', {
    write: (line: string) => void logs.push(line),
  });
  const ingest = await startIngest({ env: parsed, logger, host: '127.0.0.1', defaultMetrics: false });
  return {
    ingest,
    url: ingest.url,
    webhookUrl: ingest.url + parsed.WEBHOOK_PATH,
    prefix,
    queue: ingest.queue.queue,
    logs,
    stop: async () => {
      await ingest.shutdown('test finished');
      // A consumer connection waits for Redis instead of failing before it is connected; the
      // timeout covers a test that killed its private Redis (nothing left to clean there).
      const cleaner: Redis = createRedisConnection(parsed.REDIS_URL, { role: 'consumer' });
      cleaner.on('error', () => {});
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          removeKeysByPrefix(cleaner, prefix),
          new Promise((resolve) => {
            timer = setTimeout(resolve, 3_000);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        cleaner.disconnect();
      }
    },
  };
}

/** An HTTP answer, read in full. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: () => unknown;
}

/**
 * POSTs with `node:http` (not fetch), so that tests control the exact bytes, the absence of
 * Content-Length, and the connection.
 */
export function post(url: string, body: string | Buffer, headers: OutgoingHttpHeaders = {}): Promise<Answer> {
  // An undefined value means "leave this header out", which tests use to drop one.
  const defined = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...defined } },
      (res) => void readAnswer(res).then(resolve, reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** GETs a URL. */
export function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, (res) => void readAnswer(res).then(resolve, reject))
      .on('error', reject)
      .end();
  });
}

/** Reads a response in full. */
export async function readAnswer(res: IncomingMessage): Promise<Answer> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

/** `Authorization` header value for HTTP basic auth. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
