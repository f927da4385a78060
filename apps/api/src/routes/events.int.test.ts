import { rebuildReadModels } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { StoredEvent } from '../schemas/events';
import type { WebhookJobData } from '@mirror/delivery-identity';
import { recordEvents } from '@mirror/projections';
import { Deliverer } from '../../../../test/support/deliver';
import { orderSuccess, signup } from '@mirror/rehook-bodies';
import { allFixtures, ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const CUSTOMER = 'Zoë@ü events';
const ORDERS = 12;

const UNKNOWN = { event_name: 'customer.teleported', metadata: {}, source: 'rehook', source_id: CUSTOMER };
const INVALID = {
  event_name: 'coupon.redeemed',
  metadata: { coupon: 42 },
  source: 'rehook',
  source_id: CUSTOMER,
};

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverer.deliver(allFixtures());
  await deliverer.deliver([
    signup({ sourceId: CUSTOMER, customerId: 'cust_ev' }),
    ...Array.from({ length: ORDERS }, (_, i) =>
      orderSuccess({ sourceId: CUSTOMER, total: 100 + i, orderNo: i }),
    ),
    UNKNOWN,
    INVALID,
    '{"not":"a rehook event"}',
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

type Page = { items: StoredEvent[]; nextCursor: string | null };

describe('GET /v1/events', () => {
  it('pages through the whole store in position order', async () => {
    const { items, pages } = await allPages<StoredEvent>(api, 'listEvents', { limit: 7 });
    const total = allFixtures().length + 1 + ORDERS + 3;
    expect(items).toHaveLength(total);
    expect(pages).toBe(Math.ceil(total / 7));
    const positions = items.map((e) => e.position);
    expect(positions).toEqual([...positions].sort());
    expect(new Set(positions).size).toBe(total);
    expect(items[0]).toEqual({
      position: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown,
      seq: expect.any(Number) as unknown,
      idempotencyKey: expect.stringMatching(/^(occurrence:|content:[0-9a-f]{64}:\d+$)/) as unknown,
      receivedAt: expect.stringMatching(ISO) as unknown,
      storedAt: expect.stringMatching(ISO) as unknown,
      name: expect.any(String) as unknown,
      rawName: expect.any(String) as unknown,
      sourceId: expect.any(String) as unknown,
      status: 'projected',
      reason: null,
      origin: 'webhook',
      deliveries: 1,
      identityNote: null,
    });
  });

  it('shows quarantined events with their reasons', async () => {
    const unrecognized = await api.call<Page>('listEvents', {
      query: { status: 'unrecognized', includeBody: true },
    });
    expect(unrecognized.body.items).toEqual([
      expect.objectContaining({
        name: null,
        rawName: 'customer.teleported',
        reason: expect.any(String) as unknown,
      }),
    ]);
    expect(JSON.parse(unrecognized.body.items[0]?.rawBody ?? 'null')).toEqual(UNKNOWN);

    // A known name with an unreadable payload, and a body with no event name at all (in
    // position order, which within one batch is the store's insertion order, not delivery order).
    const invalid = await api.call<Page>('listEvents', { query: { status: 'invalid' } });
    expect(invalid.body.items).toHaveLength(2);
    expect(invalid.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'coupon.redeemed',
          status: 'invalid',
          reason: expect.any(String) as unknown,
        }),
        expect.objectContaining({
          name: null,
          rawName: null,
          status: 'invalid',
          reason: expect.any(String) as unknown,
        }),
      ]),
    );
    expect(invalid.body.items[0]).not.toHaveProperty('rawBody');
  });

  it('filters by canonical name, so both spellings of a referral event are found', async () => {
    const res = await api.call<Page>('listEvents', {
      query: { name: 'customer.referral.successful.advocate' },
    });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        name: 'customer.referral.successful.advocate',
        rawName: 'customer.referral.successfull.advocate',
      }),
    ]);
  });

  it("filters by customer: that customer's events only, in position order", async () => {
    const { items } = await allPages<StoredEvent>(api, 'listEvents', {
      limit: 5,
      query: { sourceId: CUSTOMER },
    });
    expect(items).toHaveLength(1 + ORDERS + 2);
    expect(items.every((e) => e.sourceId === CUSTOMER)).toBe(true);
    expect(items.map((e) => e.position)).toEqual([...items.map((e) => e.position)].sort());
    const none = await api.call<Page>('listEvents', { query: { sourceId: '', limit: 500 } });
    expect(none.body.items.every((e) => e.sourceId === '')).toBe(true);
    expect(none.body.items).toContainEqual(expect.objectContaining({ status: 'invalid' }));
  });

  it('filters by time of receipt: from is inclusive, before is exclusive', async () => {
    const all = (await api.call<Page>('listEvents', { query: { limit: 500 } })).body.items;
    const pivot = all[5] as StoredEvent;
    const from = await allPages<StoredEvent>(api, 'listEvents', {
      limit: 500,
      query: { receivedFrom: pivot.receivedAt },
    });
    const before = await allPages<StoredEvent>(api, 'listEvents', {
      limit: 500,
      query: { receivedBefore: pivot.receivedAt },
    });
    expect(from.items).toEqual(all.filter((e) => e.receivedAt >= pivot.receivedAt));
    expect(before.items).toEqual(all.filter((e) => e.receivedAt < pivot.receivedAt));
    expect(from.items.length + before.items.length).toBe(all.length);
  });

  it('follows the feed from a position with `after`', async () => {
    const first = await api.call<Page>('listEvents', { query: { limit: 3 } });
    const last = first.body.items[2] as StoredEvent;
    const rest = await allPages<StoredEvent>(api, 'listEvents', {
      limit: 10,
      query: { after: last.position },
    });
    expect((rest.items[0] as StoredEvent).position > last.position).toBe(true);
    const everything = await api.call<Page>('listEvents', { query: { limit: 500 } });
    expect(rest.items).toEqual(everything.body.items.slice(3));
  });

  it('refuses a numeric `after` with a problem that says to pass a position', async () => {
    const res = await api.callPath<{ detail: string }>('listEvents', '/v1/events?after=105');
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/position/);
  });

  it('keeps every position through a rebuild', async () => {
    const before = await allPages<StoredEvent>(api, 'listEvents', { limit: 500 });
    await rebuildReadModels(db.prisma);
    const after = await allPages<StoredEvent>(api, 'listEvents', { limit: 500 });
    expect(after.items.map((e) => [e.idempotencyKey, e.position])).toEqual(
      before.items.map((e) => [e.idempotencyKey, e.position]),
    );
  });

  it.each([
    ['status=lost'],
    ['after=-1'],
    ['after=0'],
    ['after=99999999999999999999'],
    [`after=${'0'.repeat(31)}`],
    [`after=${'F'.repeat(32)}`],
    [`after=8${'0'.repeat(31)}`],
    ['includeBody=yes'],
    ['limit=9999'],
    ['receivedFrom=yesterday'],
    ['receivedBefore=2026-13-01T00:00:00Z'],
  ])('answers 400 for %s', async (query) => {
    expect((await api.callPath('listEvents', `/v1/events?${query}`)).status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect((await api.call('listEvents', { token: null })).status).toBe(401);
  });
});

describe('GET /v1/customers/{sourceId}/events', () => {
  it("pages through a customer's events in receipt order, quarantined ones included", async () => {
    const { items, pages } = await allPages<StoredEvent>(api, 'listCustomerEvents', {
      params: { sourceId: CUSTOMER },
      limit: 4,
    });
    expect(items).toHaveLength(1 + ORDERS + 2);
    expect(pages).toBe(4);
    expect(items.map((e) => e.name)).toEqual([
      'signup',
      ...Array<string>(ORDERS).fill('order_success'),
      null,
      'coupon.redeemed',
    ]);
    expect(items.map((e) => e.status).slice(-2)).toEqual(['unrecognized', 'invalid']);
    expect(items.every((e) => e.sourceId === CUSTOMER)).toBe(true);
  });

  it('answers 404 for a customer no event has named', async () => {
    expect((await api.call('listCustomerEvents', { params: { sourceId: 'ghost' } })).status).toBe(404);
  });

  it('answers 400 for a garbage cursor', async () => {
    const res = await api.call('listCustomerEvents', {
      params: { sourceId: CUSTOMER },
      query: { cursor: '%%%' },
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 with a wrong token', async () => {
    expect(
      (await api.call('listCustomerEvents', { params: { sourceId: CUSTOMER }, token: 'nope' })).status,
    ).toBe(401);
  });
});

describe('deliveries of an event', () => {
  const WALLET_CUSTOMER = 'deliveries@events';
  const credited = {
    event_name: 'wallet.credited',
    metadata: { wallet: { transaction_id: 'trhi_deliveries', points: 5 } },
    source: 'rehook',
    source_id: WALLET_CUSTOMER,
  };
  const unkeyed = { ...credited, metadata: { wallet: { transaction_id: '', points: 5 } } };

  beforeAll(async () => {
    const [first] = await new Deliverer(db.prisma).deliver([credited, unkeyed]);
    // Two redeliveries of the credit, as the ingest queues them once it recognised them.
    const redelivery = (n: number): WebhookJobData => ({
      rawBody: JSON.stringify({ ...credited, note: n }),
      idempotencyKey: first!.idempotencyKey,
      receiptStamp: String(1_800_000_000_000_000 + n),
      receivedAt: 1_800_000_000_000,
      receiptId: `redelivery-${n}`,
      redelivery: 'occurrence',
    });
    await recordEvents(db.prisma, [redelivery(1), redelivery(2)]);
  });

  it('counts every delivery recognised as the event, on the feed and on the customer', async () => {
    const feed = await allPages<StoredEvent>(api, 'listEvents', { limit: 500 });
    const mine = feed.items.filter((e) => e.sourceId === WALLET_CUSTOMER);
    const customer = await allPages<StoredEvent>(api, 'listCustomerEvents', {
      params: { sourceId: WALLET_CUSTOMER },
      limit: 10,
    });
    for (const events of [mine, customer.items]) {
      // One batch: stored in key order, not delivery order.
      const rows = events.map((e) => [e.idempotencyKey.split(':')[0], e.deliveries, e.identityNote]);
      expect(rows.sort()).toEqual([
        [
          'content',
          1,
          'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content',
        ],
        ['occurrence', 3, null],
      ]);
    }
  });
});
