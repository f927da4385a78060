import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { StoredEvent } from '../schemas/events';
import { Deliverer } from '../../../../test/support/deliver';
import { orderSuccess, signup } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';
import { holdInTransaction } from '../../../../test/support/hold-in-transaction';
import { waitFor } from '../../../../test/support/wait-for';

let db: TestDatabase;
let api: TestApi;
let deliverer: Deliverer;
const MAX_STREAMS = 4;

beforeAll(async () => {
  db = await createTestDatabase();
  deliverer = new Deliverer(db.prisma);
  await deliverer.deliver([
    signup({ sourceId: 'ann', customerId: 'cust_ann' }),
    signup({ sourceId: 'bob', customerId: 'cust_bob' }),
    orderSuccess({ sourceId: 'ann', total: 10, orderNo: 1 }),
  ]);
  api = await startTestApi(db.prisma, {
    queuePrefix: queuePrefixFor(__filename),
    feed: { databaseUrl: db.url, options: { heartbeatMs: 200 }, maxStreamsPerToken: MAX_STREAMS },
  });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

interface Message {
  id?: string;
  event?: string;
  data?: string;
}

/** A raw SSE reader: the frames as they arrive, and the comment lines. */
async function openStream(pathAndQuery: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await api.fetch(pathAndQuery, {
    headers: { authorization: `Bearer ${TEST_TOKEN}`, ...headers },
    signal: abort.signal,
  });
  const messages: Message[] = [];
  let comments = 0;
  let ended = false;
  if (res.status === 200 && res.body !== null) {
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    void (async () => {
      let pending = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          pending += value;
          let end: number;
          while ((end = pending.indexOf('\n\n')) >= 0) {
            const frame = pending.slice(0, end);
            pending = pending.slice(end + 2);
            const message: Message = {};
            for (const line of frame.split('\n')) {
              if (line.startsWith(':')) comments++;
              else if (line.startsWith('id: ')) message.id = line.slice(4);
              else if (line.startsWith('event: ')) message.event = line.slice(7);
              else if (line.startsWith('data: ')) message.data = line.slice(6);
            }
            if (message.data !== undefined) messages.push(message);
          }
        }
      } catch {
        // Aborted by the test.
      }
      ended = true;
    })();
  }
  return {
    res,
    messages,
    events: () =>
      messages.filter((m) => m.event === undefined).map((m) => JSON.parse(m.data as string) as StoredEvent),
    comments: () => comments,
    ended: () => ended,
    close: () => abort.abort(),
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(condition, { what, timeoutMs });
}

async function feed(): Promise<StoredEvent[]> {
  const res = await api.call<{ items: StoredEvent[] }>('listEvents', { query: { limit: 500 } });
  return res.body.items;
}

describe('GET /v1/stream', () => {
  it('sends every stored event as /v1/events lists it, id = position, then new ones as they commit', async () => {
    const stream = await openStream('/v1/stream');
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const listed = await feed();
    await until(() => stream.events().length === listed.length, 'the stored events');
    expect(stream.events()).toEqual(listed);
    expect(stream.messages.map((m) => m.id)).toEqual(listed.map((e) => e.position));

    await deliverer.deliver([orderSuccess({ sourceId: 'bob', total: 20, orderNo: 2 })]);
    await until(() => stream.events().length === listed.length + 1, 'the new event');
    expect(stream.events()[listed.length]).toEqual(
      expect.objectContaining({ sourceId: 'bob', name: 'order_success' }),
    );
    expect(stream.events()).toEqual(await feed());
    stream.close();
  });

  it('sends an event held back by a transaction that ends without notifying once that transaction ends', async () => {
    const stream = await openStream('/v1/stream?sourceId=held');
    await until(() => stream.comments() >= 2, 'the stream to be open');
    // A transaction of this database that took an id and writes nothing the listener hears of.
    const older = await holdInTransaction(db.prisma, 'SELECT pg_current_xact_id()');
    let released = false;
    try {
      await deliverer.deliver([orderSuccess({ sourceId: 'held', total: 5, orderNo: 3 })]);
      // Committed, with its notification, but not final while the older transaction runs.
      const [row] = await db.prisma.$queryRaw<{ waiting: boolean }[]>`
        SELECT EXISTS (SELECT 1 FROM events WHERE source_id = 'held'
          AND tx_id >= (SELECT mirror_feed_horizon())) AS waiting`;
      expect(row?.waiting).toBe(true);
      expect(stream.events()).toEqual([]);
      await older.release();
      released = true;
    } finally {
      if (!released) await older.release();
    }
    await until(() => stream.events().length === 1, 'the held-back event');
    expect(stream.events()[0]).toEqual(expect.objectContaining({ sourceId: 'held', name: 'order_success' }));
    stream.close();
  });

  it('resumes after Last-Event-ID, which wins over ?after=, or after ?after=', async () => {
    const listed = await feed();
    const second = (listed[1] as StoredEvent).position;
    const byHeader = await openStream(`/v1/stream?after=${(listed[0] as StoredEvent).position}`, {
      'last-event-id': second,
    });
    const byQuery = await openStream(`/v1/stream?after=${second}`);
    await until(
      () => byHeader.events().length === listed.length - 2 && byQuery.events().length === listed.length - 2,
      'the events after the second',
    );
    expect(byHeader.events()).toEqual(listed.slice(2));
    expect(byQuery.events()).toEqual(listed.slice(2));
    byHeader.close();
    byQuery.close();
  });

  it('filters by name (repeatable) and by customer, bodies only on request', async () => {
    const listed = await feed();
    const names = await openStream('/v1/stream?name=signup&name=order_success&sourceId=ann&includeBody=true');
    const expected = listed.filter((e) => e.sourceId === 'ann');
    await until(() => names.events().length === expected.length, "ann's events");
    expect(names.events().map((e) => e.idempotencyKey)).toEqual(expected.map((e) => e.idempotencyKey));
    expect(names.events().every((e) => typeof e.rawBody === 'string')).toBe(true);
    names.close();
  });

  it('sends heartbeats while nothing happens', async () => {
    const stream = await openStream('/v1/stream?sourceId=nobody');
    await until(() => stream.comments() >= 3, 'three heartbeats');
    stream.close();
  });

  it.each([
    ['a numeric after', '/v1/stream?after=105', {}],
    ['a malformed after', `/v1/stream?after=${'z'.repeat(32)}`, {}],
    ['a malformed Last-Event-ID', '/v1/stream', { 'last-event-id': '105' }],
    ['an unknown parameter', '/v1/stream?status=projected', {}],
  ])('refuses %s with a 400 problem before the stream starts', async (_what, path, headers) => {
    const res = await api.fetch(path, { headers: { authorization: `Bearer ${TEST_TOKEN}`, ...headers } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(((await res.json()) as { status: number }).status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect((await api.fetch('/v1/stream')).status).toBe(401);
  });

  it(`answers 429 above ${MAX_STREAMS} open streams of one token, and takes a new one once one closes`, async () => {
    const open = await Promise.all(
      Array.from({ length: MAX_STREAMS }, () => openStream('/v1/stream?sourceId=x')),
    );
    expect(open.map((s) => s.res.status)).toEqual(Array<number>(MAX_STREAMS).fill(200));
    const refused = await api.fetch('/v1/stream', { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    open[0]?.close();
    const again = await waitFor(
      async () => {
        const stream = await openStream('/v1/stream?sourceId=x');
        return stream.res.status !== 429 && stream;
      },
      { what: 'the closed stream to free its slot', intervalMs: 50 },
    );
    expect(again.res.status).toBe(200);
    for (const stream of [...open, again]) stream.close();
  });

  it('is in the OpenAPI document with its parameters and answers', () => {
    const op = api.openApi.paths['/v1/stream']?.['get'] as {
      parameters: { name: string }[];
      responses: Record<string, unknown>;
      description: string;
    };
    expect(op.parameters.map((p) => p.name).sort()).toEqual(
      ['Last-Event-ID', 'after', 'includeBody', 'name', 'sourceId'].sort(),
    );
    expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '401', '429', '503', 'default']);
    expect(op.description).toMatch(/appears in the feed once/);
  });
});
