import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { FEED_DELAY_DESCRIPTION } from '../feed/feed-delay';
import type { FeedHub } from '../feed/feed-hub';
import { FeedPosition } from '../feed/position';
import { StreamClient } from '../feed/stream-client';
import { parseRequestPart } from '../http/parse-request';
import { nameParam, textParam } from '../http/text-param';
import { presentedToken } from '../middleware/auth';
import { commonResponses, problemResponse, queryParameters, RETRY_AFTER } from '../openapi/document';
import { badRequest, HttpProblem } from '../problem';
import { includeBody } from './events';

export const STREAM_PATH = '/v1/stream';
/** Names a stream may filter on at once. */
const MAX_NAMES = 50;

const StreamQuery = z.strictObject({
  after: FeedPosition.optional().describe(
    'Start after this `position` (ignored when the `Last-Event-ID` header is sent); omit to start from the beginning.',
  ),
  name: z
    .union([nameParam, z.array(nameParam).min(1).max(MAX_NAMES)])
    .optional()
    .describe('Only events with this canonical name; repeat the parameter for several names.'),
  sourceId: textParam.optional().describe('Only events about this customer.'),
  includeBody,
});

/** Options of {@link streamRoute}. */
export interface StreamRouteOptions {
  /** Streams one token may hold open at once in this process (`API_STREAMS_PER_TOKEN`). */
  maxStreamsPerToken: number;
}

/**
 * `GET /v1/stream`: the feed of `/v1/events` as server-sent events, live. Everything that can
 * be refused (parameters, `Last-Event-ID`, the per-token limit) is answered as a problem
 * document before the stream starts; after that the hub serves it.
 */
export function streamRoute(hub: FeedHub | undefined, options: StreamRouteOptions): RequestHandler {
  const openPerToken = new Map<string, number>();
  return (req, res, next) => {
    void (async () => {
      const query = parseRequestPart('query', StreamQuery, req.query);
      const start = resumePosition(req.headers['last-event-id'], query.after);
      if (hub === undefined) {
        throw new HttpProblem(503, 'The stream is not available in this process.', {
          headers: { 'Retry-After': '5' },
        });
      }
      const token = createHash('sha256')
        .update(presentedToken(req.headers.authorization) ?? '')
        .digest('hex');
      const open = openPerToken.get(token) ?? 0;
      if (open >= options.maxStreamsPerToken) {
        throw new HttpProblem(
          429,
          `This token already holds ${open} open streams on this API process (the limit is ` +
            `${options.maxStreamsPerToken}, API_STREAMS_PER_TOKEN); close one first.`,
          { headers: { 'Retry-After': '10' } },
        );
      }
      try {
        await hub.start();
      } catch {
        throw new HttpProblem(503, 'The event store cannot be read right now; retry later.', {
          headers: { 'Retry-After': '5' },
        });
      }
      openPerToken.set(token, (openPerToken.get(token) ?? 0) + 1);
      res.once('close', () => {
        const left = (openPerToken.get(token) ?? 1) - 1;
        if (left === 0) openPerToken.delete(token);
        else openPerToken.set(token, left);
      });
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        // nginx would otherwise buffer the stream.
        'X-Accel-Buffering': 'no',
      });
      // A client that reconnects waits a second, not EventSource's default of three.
      res.write('retry: 1000\n: stream open\n\n');
      const names =
        query.name === undefined ? [] : typeof query.name === 'string' ? [query.name] : query.name;
      await hub.serve(
        new StreamClient(res, { names, sourceId: query.sourceId, includeBody: query.includeBody }, start),
      );
    })().catch(next);
  };
}

/** Where a stream starts: after `Last-Event-ID` when sent (a reconnect), else after `?after=`. */
function resumePosition(
  lastEventId: string | string[] | undefined,
  after: FeedPosition | undefined,
): FeedPosition | undefined {
  if (lastEventId === undefined) return after;
  const parsed = FeedPosition.safeParse(lastEventId);
  if (!parsed.success) {
    throw badRequest([
      { path: 'headers.last-event-id', message: parsed.error.issues[0]?.message ?? 'is not a position' },
    ]);
  }
  return parsed.data;
}

/** The position's JSON Schema, without the per-document keys. */
function positionSchema(): Record<string, unknown> {
  const { $schema: _schema, ...schema } = z.toJSONSchema(FeedPosition, { io: 'input' });
  return schema;
}

/** The OpenAPI path item of the stream (not a JSON route, so written here). */
export function streamPathItem(): Record<string, unknown> {
  return {
    get: {
      operationId: 'streamEvents',
      summary: 'The global event feed, live, as server-sent events',
      description:
        'Every stored event as it becomes final, in `position` order, as `text/event-stream`: each ' +
        "message has `id:` = the event's `position` and `data:` = the event as a JSON `StoredEvent`, " +
        'exactly as `/v1/events` lists it (`rawBody` only with `includeBody=true`). Resume after a ' +
        'disconnection with the `Last-Event-ID` header (EventSource clients send it) or `?after=`. ' +
        'Comment lines (`: keep-alive`) come every 15 s. A client that does not read what it is ' +
        'sent within 30 s is sent a `cutoff` event with the reason and disconnected (it may resume); ' +
        'one that does not read even that within another 30 s loses the connection without it. ' +
        `${FEED_DELAY_DESCRIPTION} Each token may hold a bounded number of streams per API ` +
        'process (`API_STREAMS_PER_TOKEN`); above it the answer is 429.',
      tags: ['events'],
      parameters: [
        ...queryParameters(StreamQuery),
        {
          name: 'Last-Event-ID',
          in: 'header',
          required: false,
          description: 'The `position` of the last event received; the stream resumes after it.',
          schema: positionSchema(),
        },
      ],
      responses: {
        200: {
          description: 'The stream (never ends by itself).',
          content: {
            'text/event-stream': {
              schema: {
                type: 'string',
                description:
                  'Server-sent events: `id: <position>` and `data: <StoredEvent as JSON>` per event; ' +
                  '`event: cutoff` with `data: {"reason": ...}` before the server closes the stream.',
              },
            },
          },
        },
        400: problemResponse('A parameter or `Last-Event-ID` is invalid (`issues` says which and why).'),
        401: problemResponse('The API token is missing or wrong.'),
        ...commonResponses(STREAM_PATH),
        429: problemResponse(
          'Too many streams are open with this token, or too many requests from this client address ' +
            '(`API_RATE_LIMIT_PER_MINUTE`).',
          RETRY_AFTER,
        ),
        503: problemResponse('The event store cannot be read right now.', RETRY_AFTER),
      },
    },
  };
}
