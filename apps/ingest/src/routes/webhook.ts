import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '@mirror/logger';
import { buildWebhookJob, parseWebhookBody } from '@mirror/queue';
import type { EnqueueOutcome, JsonObject, ReceiptClock, WebhookJobData } from '@mirror/queue';
import { createAuthenticator } from '../auth';
import type { AuthConfig } from '../auth';
import type { IngestMetrics } from '../metrics';
import { sendProblem } from '../problem';
import { readBody } from '../read-body';

/** How long Rehook is asked to wait before retrying after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** Settings of the webhook route (from the environment, see `@mirror/config`). */
export interface WebhookRouteConfig extends AuthConfig {
  maxBodyBytes: number;
  /** Lower-cased header name carrying a delivery id, if a gateway in front sets one. */
  deliveryIdHeader?: string | undefined;
  enqueueTimeoutMs: number;
}

/** What the webhook route needs. */
export interface WebhookRouteDeps {
  config: WebhookRouteConfig;
  /** Hands a job to Redis; `WebhookQueue.enqueue` in production. */
  enqueue: (job: WebhookJobData, timeoutMs: number) => Promise<EnqueueOutcome>;
  clock: ReceiptClock;
  logger: Logger;
  metrics: IngestMetrics;
}

/**
 * `POST <WEBHOOK_PATH>`: authenticate from the headers, read the body within the limit, check it
 * is a JSON object (or empty: a test ping), stamp it and answer 200 only once Redis holds the job. Written against
 * `node:http` (it needs nothing from Express), and never rejects.
 */
export function createWebhookHandler(
  deps: WebhookRouteDeps,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { config, clock, logger, metrics } = deps;
  const authenticate = createAuthenticator(config);
  const challenge =
    config.basicAuth !== undefined
      ? { 'www-authenticate': 'Basic realm="rehook-mirror", charset="UTF-8"' }
      : {};
  // Answers after which the rest of the request must not be read: closing the connection is
  // the only way to stop a sender mid-body.
  const closing = { connection: 'close' };

  return async function handleWebhook(req, res) {
    try {
      const auth = authenticate(req.headers);
      if (!auth.ok) {
        logger.warn(
          { reason: auth.reason, ...('header' in auth && { header: auth.header }) },
          'webhook refused: not authenticated',
        );
        sendProblem(
          res,
          { status: 401, detail: 'Missing or wrong credentials.' },
          { ...challenge, ...closing },
        );
        return;
      }
      const encoding = req.headers['content-encoding'];
      if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
        sendProblem(
          res,
          { status: 415, detail: 'Compressed bodies are not accepted; send plain JSON.' },
          closing,
        );
        return;
      }

      const read = await readBody(req, config.maxBodyBytes);
      if (!read.ok) {
        if (read.reason === 'aborted') {
          logger.info('webhook sender went away before the body was complete');
          return;
        }
        logger.warn({ bytes: read.bytes, limit: config.maxBodyBytes }, 'webhook refused: body too large');
        sendProblem(res, { status: 413, detail: `The body exceeds ${config.maxBodyBytes} bytes.` }, closing);
        return;
      }
      metrics.bodyBytes.observe(read.body.length);
      if (!isUtf8(read.body)) {
        sendProblem(res, { status: 400, title: 'Body is not JSON', detail: 'The body is not valid UTF-8.' });
        return;
      }
      const rawBody = read.body.toString('utf8');
      let body: JsonObject | null = null;
      if (rawBody === '') {
        // Rehook's "Test" button expects 200 OK, and what it sends is undocumented: an empty
        // body is taken for a test ping, accepted and stored as `invalid` (the worker gives the
        // reason), so that the user sees a working mirror and the ping in /v1/events.
        logger.info('webhook with an empty body (test ping?): accepted, stored as invalid');
      } else {
        const parsed = parseWebhookBody(rawBody);
        if (!parsed.ok) {
          logger.info(
            { reason: parsed.reason, bytes: read.body.length },
            'webhook refused: not a JSON object',
          );
          const title = parsed.reason === 'not-json' ? 'Body is not JSON' : 'Body is not a JSON object';
          sendProblem(res, { status: 400, title, detail: parsed.detail });
          return;
        }
        body = parsed.body;
      }

      const deliveryId = deliveryIdOf(req, config.deliveryIdHeader);
      const job = buildWebhookJob({ rawBody, body, deliveryId }, clock);
      const started = performance.now();
      const result = await deps.enqueue(job, config.enqueueTimeoutMs);
      const ms = Math.round((performance.now() - started) * 100) / 100;
      metrics.enqueueDuration.observe({ outcome: result.outcome }, ms / 1000);

      switch (result.outcome) {
        case 'enqueued':
        case 'duplicate': {
          const enqueued = result.outcome === 'enqueued';
          // A redelivery answers with the key of the event it was recognised as.
          const eventKey = enqueued ? job.idempotencyKey : result.eventKey;
          if (!enqueued) metrics.redeliveries.inc({ rule: result.rule });
          // A new delivery is the normal case and the event store records it: debug, because a
          // line per webhook (mostly the logger's redaction) cost ~10% of the ingest's CPU. A
          // redelivery says Rehook did not get an earlier answer: worth a line. The level check
          // comes first so that a disabled debug line allocates nothing.
          if (!enqueued || logger.isLevelEnabled('debug')) {
            logger[enqueued ? 'debug' : 'info'](
              {
                idempotencyKey: eventKey,
                jobId: result.jobId,
                outcome: result.outcome,
                ...(!enqueued && { rule: result.rule }),
                ms,
                bytes: read.body.length,
              },
              'webhook accepted',
            );
          }
          // Same bytes as JSON.stringify({ status, idempotencyKey }), without building the object.
          const body = `{"status":"${result.outcome}","idempotencyKey":${JSON.stringify(eventKey)}}`;
          res.writeHead(200, ['content-type', 'application/json', 'content-length', Buffer.byteLength(body)]);
          res.end(body);
          return;
        }
        case 'timeout':
        case 'failed': {
          // One line per refused webhook, without a stack: during an outage there are many, and
          // the connection error itself is logged once (server.ts).
          const error =
            result.outcome === 'failed' ? result.error.message : `no answer within ${result.timeoutMs} ms`;
          logger.warn(
            { idempotencyKey: job.idempotencyKey, jobId: result.jobId, outcome: result.outcome, ms, error },
            'webhook not accepted (503): Redis did not take the job',
          );
          sendProblem(
            res,
            { status: 503, detail: 'The queue is unavailable; the webhook was not accepted. Retry later.' },
            { 'retry-after': String(RETRY_AFTER_SECONDS) },
          );
          return;
        }
        default:
          return assertNever(result);
      }
    } catch (error) {
      // A bug, not an expected outcome. Still a 5xx, so that Rehook retries.
      logger.error({ err: error }, 'webhook handler failed');
      sendProblem(res, { status: 500, detail: 'Internal error; the webhook was not accepted. Retry later.' });
    }
  };
}

function deliveryIdOf(req: IncomingMessage, header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = req.headers[header];
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text === '' ? undefined : text;
}

function assertNever(value: never): never {
  throw new Error(`unexpected enqueue outcome ${JSON.stringify(value)}`);
}
