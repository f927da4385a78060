// A client that stops reading its stream: the hub stops feeding it once its unsent bytes pass
// the limit, cuts it off with a reason once it has not read for the drain patience, and drops
// its connection if it does not read even that; what the server holds for it stays bounded
// all along (measured as the bytes the server has written and the client has not taken).
import { connect, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { waitUntil } from '../../../../test/support/test-queue';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';
import type { FeedHub } from './feed-hub';

const EVENTS = 200;
const BODY_BYTES = 64 * 1024;
const MAX_BUFFER = 256 * 1024;
const BODY_PAGE = 20;

let db: TestDatabase;
let api: TestApi;
let hub: FeedHub;

beforeAll(async () => {
  db = await createTestDatabase();
  // Bodies of 64 KiB: the whole feed with bodies is about 13 MB, far more than the kernel's
  // socket buffers take on loopback, so a client that does not read leaves bytes in the server.
  await db.prisma.$executeRawUnsafe(
    `INSERT INTO events (idempotency_key, receipt_stamp, received_at, source_id, status, raw_body)
     SELECT 'big-' || i, i, now(), 'big', 'unrecognized', '{"pad":"' || repeat('x', $1) || '"}'
     FROM generate_series(1, $2) AS i`,
    BODY_BYTES,
    EVENTS,
  );
  api = await startTestApi(db.prisma, {
    queuePrefix: queuePrefixFor(__filename),
    feed: {
      databaseUrl: db.url,
      options: {
        maxBufferBytes: MAX_BUFFER,
        bodyPageSize: BODY_PAGE,
        drainPatienceMs: 1000,
        cutoffGraceMs: 3000,
      },
    },
  });
  hub = api.feed as FeedHub;
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

/**
 * A stream request on a raw socket whose reading the test controls (it starts stalled). HTTP/1.0,
 * so that the answer is not chunked and its frames can be read as they are.
 */
function stalledStream(query: string) {
  const socket: Socket = connect(Number(new URL(api.url).port), '127.0.0.1');
  socket.pause();
  socket.write(
    `GET /v1/stream?${query} HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`,
  );
  socket.on('error', () => {});
  return {
    /** Reads everything until the server closes the connection. */
    readToEnd: () =>
      new Promise<string>((resolve) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.once('close', () => resolve(text));
        socket.resume();
      }),
  };
}

/** Samples the hub's unsent bytes every 10 ms until stopped; `peak()` is the largest seen. */
function sampleUnsentBytes() {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, hub.unsentBytes())), 10);
  return {
    peak: () => Math.max(peak, hub.unsentBytes()),
    stop: () => clearInterval(timer),
  };
}

/** A gauge's value in the API's /metrics. */
async function gauge(name: string): Promise<number> {
  const text = await (
    await api.fetch('/metrics', { headers: { authorization: `Bearer ${TEST_TOKEN}` } })
  ).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
}

describe('a stream whose client stops reading', () => {
  it('is cut off, and its connection dropped when it does not read even that, and the server never holds more than the limit and a page for it', async () => {
    const sampler = sampleUnsentBytes();
    const client = stalledStream('includeBody=true');
    try {
      await waitUntil(() => Promise.resolve(hub.size === 1), 20_000, 'the stream to open');
      await waitUntil(
        () => Promise.resolve(hub.unsentBytes() > MAX_BUFFER),
        30_000,
        'the limit to be reached',
      );
      // The operator sees it too.
      expect(await gauge('mirror_api_stream_unsent_bytes')).toBeGreaterThan(MAX_BUFFER);
      await waitUntil(
        () => Promise.resolve(hub.size === 0 && hub.unsentBytes() === 0),
        60_000,
        'the server to cut the stream off and drop its connection',
      );
    } finally {
      sampler.stop();
    }
    // It never held more than the limit plus the page written when it was last below it (the
    // whole feed would have been some 13 MB), and nothing once the connection was dropped.
    expect(sampler.peak()).toBeLessThanOrEqual(MAX_BUFFER + BODY_PAGE * (BODY_BYTES + 1024));
    expect(hub.size).toBe(0);
    expect(hub.unsentBytes()).toBe(0);
    expect(await gauge('mirror_api_stream_unsent_bytes')).toBe(0);
    expect(await gauge('mirror_api_streams_open')).toBe(0);
    // What the kernel still held reaches the client, then the connection ends, without the
    // cutoff message it did not read in time.
    expect(await client.readToEnd()).not.toContain('event: cutoff');
  });

  it('that reads again after the cutoff gets the reason as a last message, and resumes from its last id', async () => {
    const client = stalledStream('includeBody=true');
    await waitUntil(() => Promise.resolve(hub.size === 1), 20_000, 'the stream to open');
    await waitUntil(() => Promise.resolve(hub.size === 0), 60_000, 'the stream to be cut off');
    const text = await client.readToEnd();
    const frames = text.split('\n\n');
    const ids = frames.flatMap((frame) => /^id: (\S+)$/m.exec(frame)?.[1] ?? []);
    const cutoff = frames.find((frame) => frame.includes('event: cutoff'));
    expect(cutoff).toBeDefined();
    const reason = (JSON.parse(/^data: (.*)$/m.exec(cutoff as string)?.[1] ?? '{}') as { reason: string })
      .reason;
    expect(reason).toMatch(
      /^the client read too slowly: \d+ bytes were still unread after 1 s; reconnect with Last-Event-ID to resume$/,
    );
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(EVENTS);

    const rest = await api.call<{ items: { position: string }[] }>('listEvents', {
      query: { after: ids[ids.length - 1] as string, limit: 500 },
    });
    const all = await api.call<{ items: { position: string }[] }>('listEvents', { query: { limit: 500 } });
    expect([...ids, ...rest.body.items.map((e) => e.position)]).toEqual(
      all.body.items.map((e) => e.position),
    );
  });
});
