import { deliveryOf, fixtureBody, stampAt } from '../../../test/support/deliveries';
import { holdInTransaction } from '../../../test/support/hold-in-transaction';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { dumpReadModels, walletOf } from '../../../test/support/read-model-dump';
import * as b from '@mirror/rehook-bodies';
import { InvalidDeliveryError, recordEvents } from './record-events';
import type { WebhookJobData } from '@mirror/delivery-identity';

// Queues, workers and fresh databases take seconds on a loaded machine (jest's default is 5 s).
jest.setTimeout(60_000);

const db = freshDatabasePerTest();

/** Records deliveries one at a time, as the worker does. */
async function record(...deliveries: WebhookJobData[]): Promise<void> {
  for (const delivery of deliveries) await recordEvents(db.prisma, [delivery]);
}

/** The name the API gives a segment (see `segmentNameSql` in apps/api): its latest report. */
const LATEST_SEGMENT_NAME = `SELECT name FROM segment_names ORDER BY stamp DESC, stamp_key COLLATE "C" DESC LIMIT 1`;

async function rows<T>(sql: string, ...params: string[]): Promise<T[]> {
  return db.prisma.$queryRawUnsafe<T[]>(sql, ...params);
}

describe('recordEvents: exactly-once effect', () => {
  it('a redelivered wallet.credited does not change the balance', async () => {
    const credited = deliveryOf(fixtureBody('documented', 'wallet.credited.json'), 1);
    await record(credited);
    const before = await dumpReadModels(db.prisma);

    const [again] = await recordEvents(db.prisma, [credited]);

    expect(again?.outcome).toBe('duplicate');
    expect(await dumpReadModels(db.prisma)).toEqual(before);
    expect(await walletOf(db.prisma, 'New_customer1')).toMatchObject({
      balance: '10.0000',
      credited: '10.0000',
    });
  });

  it('a wallet-type customer.rewarded and a wallet.credited with the same transaction id count once', async () => {
    const reward = fixtureBody('documented', 'customer.rewarded.wallet.json');
    const credited = b.walletEvent({
      direction: 'credit',
      sourceId: 'KMN@123',
      transactionId: 'trhi_9PO542v74DMGDkBkgLHtf',
      points: 10,
    });

    await record(deliveryOf(credited, 2), deliveryOf(reward, 1));

    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ credited: '10.0000', balance: '10.0000' });
    expect(await rows('SELECT * FROM wallet_transactions')).toHaveLength(1);
  });

  it('several deliveries in one call are stored and projected once, duplicates included', async () => {
    const credited = deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    );
    const results = await recordEvents(db.prisma, [
      credited,
      deliveryOf(
        b.walletEvent({ direction: 'debit', sourceId: 'KMN@123', transactionId: 'trhi_2', points: 4 }),
        2,
      ),
      credited,
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['stored', 'stored', 'duplicate']);
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ balance: '6.0000' });
    const [customer] = await rows<{ event_count: number }>('SELECT event_count FROM customers');
    expect(customer?.event_count).toBe(2);
  });
});

describe('recordEvents: batches', () => {
  it('a batch mixing a redelivery with new events projects exactly the new ones', async () => {
    const old = deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    );
    await record(old);

    const results = await recordEvents(db.prisma, [
      deliveryOf(
        b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_2', points: 5 }),
        2,
      ),
      old,
      deliveryOf(
        b.walletEvent({ direction: 'debit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 3 }),
        3,
      ),
    ]);

    expect(results.map((r) => r.outcome)).toEqual(['stored', 'duplicate', 'stored']);
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ credited: '15.0000', debited: '3.0000' });
    const [customer] = await rows<{ event_count: number }>('SELECT event_count FROM customers');
    expect(customer?.event_count).toBe(3);
  });

  it('a batch of redeliveries only changes nothing', async () => {
    const deliveries = [1, 2, 3].map((n) =>
      deliveryOf(
        b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: `trhi_${n}`, points: n }),
        n,
      ),
    );
    await recordEvents(db.prisma, deliveries);
    const before = await dumpReadModels(db.prisma);

    const results = await recordEvents(db.prisma, deliveries);

    expect(results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await dumpReadModels(db.prisma)).toEqual(before);
  });
});

describe('recordEvents: wallet ledger', () => {
  it('takes the direction from the event name: the documented wallet.debited is a debit', async () => {
    await record(deliveryOf(fixtureBody('documented', 'wallet.debited.json'), 1));

    expect(await walletOf(db.prisma, 'New_customer1')).toMatchObject({
      debited: '10.0000',
      balance: '-10.0000',
    });
  });

  it('keeps a credit and a debit that share a transaction id as two entries (the documented pair)', async () => {
    await record(
      deliveryOf(fixtureBody('documented', 'wallet.debited.json'), 2),
      deliveryOf(fixtureBody('documented', 'wallet.credited.json'), 1),
    );

    expect(await walletOf(db.prisma, 'New_customer1')).toEqual({
      credited: '10.0000',
      debited: '10.0000',
      balance: '0.0000',
      pendingRewardPoints: '0',
    });
  });

  it('keeps the attributes of the earliest report of a transaction, whatever the processing order', async () => {
    const early = deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    );
    const late = deliveryOf(
      b.walletReward({ sourceId: 'KMN@123', transactionId: 'trhi_1', points: 99, redemptionId: 'redm_x' }),
      2,
    );

    await record(late, early);

    const [entry] = await rows<{ points: string }>('SELECT points::text FROM wallet_transactions');
    expect(entry?.points).toBe('10.0000');
  });
});

describe('recordEvents: pending webhook rewards', () => {
  it('a webhook-type customer.rewarded is pending until fulfilled, and a second fulfilment changes nothing', async () => {
    const reward = fixtureBody('documented', 'customer.rewarded.webhook.json');
    await record(deliveryOf(reward, 1));
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({
      pendingRewardPoints: '100.0000',
      balance: '0',
    });

    const fulfil = deliveryOf(b.rewardFulfilled({ redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF' }), 2, {
      key: 'mirror:fulfil:redm_pVRReQyxgFEr3MsSQIYBF',
    });
    await recordEvents(db.prisma, [fulfil], { origin: 'mirror' });
    const [again] = await recordEvents(db.prisma, [{ ...fulfil, receiptStamp: '1700000000009000' }], {
      origin: 'mirror',
    });

    expect(again?.outcome).toBe('duplicate');
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ pendingRewardPoints: '0' });
    const [row] = await rows<{ fulfilled_at: Date }>('SELECT fulfilled_at FROM webhook_rewards');
    expect(row?.fulfilled_at).toEqual(new Date(1_700_000_000_002));
  });

  it('referral points do not create pending rewards (the customer.rewarded that follows does)', async () => {
    await record(
      deliveryOf(fixtureBody('documented', 'customer.referral.successful.advocate.json'), 1),
      deliveryOf(fixtureBody('documented', 'customer.referral.successful.friend.json'), 2),
    );

    expect(await rows('SELECT * FROM webhook_rewards')).toEqual([]);
    expect(await walletOf(db.prisma, 'KRISH@123')).toMatchObject({ pendingRewardPoints: '0' });
  });

  it('a fulfilment sent as a webhook is stored as invalid and fulfils nothing', async () => {
    await record(deliveryOf(fixtureBody('documented', 'customer.rewarded.webhook.json'), 1));
    const [forged] = await recordEvents(db.prisma, [
      deliveryOf(b.rewardFulfilled({ redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF' }), 2),
    ]);

    expect(forged).toMatchObject({ outcome: 'stored', status: 'invalid' });
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ pendingRewardPoints: '100.0000' });
  });

  it('a fulfilment replayed from an export with its mirror origin fulfils the reward; an unknown origin is refused', async () => {
    await record(deliveryOf(fixtureBody('documented', 'customer.rewarded.webhook.json'), 1));
    const replayed = {
      ...deliveryOf(b.rewardFulfilled({ redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF' }), 2),
      origin: 'mirror' as const,
    };
    const [stored] = await recordEvents(db.prisma, [replayed]);

    expect(stored).toMatchObject({ outcome: 'stored', status: 'projected' });
    expect(await walletOf(db.prisma, 'KMN@123')).toMatchObject({ pendingRewardPoints: '0' });
    const forged = { ...replayed, idempotencyKey: 'other', origin: 'rehook' } as unknown as WebhookJobData;
    await expect(recordEvents(db.prisma, [forged])).rejects.toThrow(InvalidDeliveryError);
  });
});

describe('recordEvents: customers', () => {
  it('a customer springs into existence from any event with a source id, and counts distinct events', async () => {
    const entered = deliveryOf(fixtureBody('assumed', 'customer.segment.entered.json'), 2);
    await record(entered, deliveryOf(fixtureBody('documented', 'order_success.json'), 1), entered);

    const [customer] = await rows<Record<string, unknown>>(
      'SELECT source_id, event_count, first_seen_at, last_event_at FROM customers',
    );
    expect(customer).toEqual({
      source_id: 'KMN@123',
      event_count: 2,
      first_seen_at: new Date(1_700_000_000_001),
      last_event_at: new Date(1_700_000_000_002),
    });
  });

  it('counts orders, their total and the last order from order_success', async () => {
    await record(
      deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 549, orderNo: 'a' }), 3),
      deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 12.5, orderNo: 'b' }), 1),
      deliveryOf(b.orderSuccess({ sourceId: 'KMN@123', total: 549, orderNo: 'a' }), 3),
    );

    const [customer] = await rows<Record<string, unknown>>(
      'SELECT orders_count, orders_total::text, last_order_at FROM customers',
    );
    expect(customer).toEqual({
      orders_count: 2,
      orders_total: '561.5000',
      last_order_at: new Date(1_700_000_000_003),
    });
  });

  it('properties: the later receipt stamp wins per key, even when processed first', async () => {
    const newer = deliveryOf(
      b.customerMetaUpdated({
        sourceId: 'New_customer20',
        customerId: 'cust_1',
        properties: { tier: 'gold' },
      }),
      2,
    );
    const older = deliveryOf(
      b.customerUpdated({
        sourceId: 'New_customer20',
        customerId: 'cust_1',
        changes: { tier: 'silver', city: 'Pune' },
      }),
      1,
    );

    await record(newer, older);

    const properties = await rows<{ key: string; value: unknown }>(
      'SELECT key, value FROM customer_properties ORDER BY key',
    );
    expect(properties).toEqual([
      { key: 'city', value: 'Pune' },
      { key: 'tier', value: 'gold' },
    ]);
  });
});

describe('recordEvents: coupons', () => {
  async function status(code: string): Promise<string | undefined> {
    const [row] = await rows<{ status: string }>(
      `SELECT CASE
         WHEN EXISTS (SELECT 1 FROM coupon_redemptions r
                      WHERE r.code = c.code AND r.redeemed_at IS NOT NULL AND r.rolled_back_at IS NULL) THEN 'redeemed'
         WHEN c.source_id IS NOT NULL THEN 'assigned'
         ELSE 'created' END AS status
       FROM coupons c WHERE code = $1`,
      code,
    );
    return row?.status;
  }

  it('goes created, assigned, redeemed, and back to assigned when the redemption is rolled back', async () => {
    await record(deliveryOf(fixtureBody('assumed', 'coupon.created.json'), 1));
    expect(await status('DIWALI123')).toBe('created');
    await record(deliveryOf(fixtureBody('assumed', 'coupon.rewarded.json'), 2));
    expect(await status('DIWALI123')).toBe('assigned');
    await record(deliveryOf(fixtureBody('assumed', 'coupon.redeemed.json'), 3));
    expect(await status('DIWALI123')).toBe('redeemed');
    await record(deliveryOf(fixtureBody('assumed', 'coupon.redemption.rollback.json'), 4));
    expect(await status('DIWALI123')).toBe('assigned');
  });

  it('stays not redeemed when the rollback is processed before its redemption', async () => {
    await record(
      deliveryOf(fixtureBody('assumed', 'coupon.redemption.rollback.json'), 4),
      deliveryOf(fixtureBody('assumed', 'coupon.redeemed.json'), 3),
    );

    expect(await status('DIWALI123')).toBe('created');
    const [redemption] = await rows<Record<string, unknown>>(
      'SELECT redemption_id, rolled_back_at IS NOT NULL AS rolled_back, redeemed_at IS NOT NULL AS redeemed FROM coupon_redemptions',
    );
    expect(redemption).toEqual({
      redemption_id: 'redm_Vb6Nm8Qa1Ws3Ed5Rf7Tg9',
      rolled_back: true,
      redeemed: true,
    });
  });
});

describe('recordEvents: referrals', () => {
  const resolved = `SELECT r.code, f.source_id AS friend, a.source_id AS advocate,
      r.referred_at IS NOT NULL AS referred, r.friend_rewarded_points::text AS friend_points,
      r.advocate_rewarded_points::text AS advocate_points
    FROM referrals r
    LEFT JOIN customer_identities f ON f.rehook_customer_id = r.friend_customer_id
    LEFT JOIN customer_identities a ON a.rehook_customer_id = r.advocate_customer_id`;

  it('links advocate and friend through the identity map, whichever side arrives first', async () => {
    const sides = [
      deliveryOf(fixtureBody('documented', 'customer.referral.successful.friend.json'), 3),
      deliveryOf(fixtureBody('assumed', 'customer.referred.json'), 1),
      deliveryOf(fixtureBody('documented', 'customer.referral.successful.advocate.json'), 2),
    ];
    await record(sides[0] as WebhookJobData);
    expect(await rows(resolved)).toEqual([
      expect.objectContaining({ friend: 'New_customer24', advocate: null, friend_points: '10.0000' }),
    ]);

    await record(sides[2] as WebhookJobData, sides[1] as WebhookJobData);

    expect(await rows(resolved)).toEqual([
      {
        code: 'KRISH10',
        friend: 'New_customer24',
        advocate: 'KRISH@123',
        referred: true,
        friend_points: '10.0000',
        advocate_points: '10.0000',
      },
    ]);
  });
});

describe('recordEvents: leaderboards and segments', () => {
  it('keeps one award per campaign, leaderboard, recurrence and customer; a later report supersedes', async () => {
    await record(
      deliveryOf(
        b.leaderboardAwarded({
          sourceId: 'KMN@123',
          leaderboardId: 'ldbd_1',
          rank: 1,
          points: 500,
          redemptionId: 'redm_lb_KMN@123_1',
        }),
        2,
      ),
      deliveryOf(
        b.leaderboardAwarded({
          sourceId: 'KMN@123',
          leaderboardId: 'ldbd_1',
          rank: 2,
          points: 200,
          redemptionId: 'redm_lb_KMN@123_2',
        }),
        1,
      ),
    );

    expect(await rows('SELECT rank, points::text FROM leaderboard_awards')).toEqual([
      { rank: 1, points: '500.0000' },
    ]);
  });

  it('segment membership is last-writer-wins by receipt stamp, not by processing order', async () => {
    const entered = deliveryOf(
      b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
      1,
    );
    const left = deliveryOf(
      b.segmentEvent({ kind: 'left', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
      2,
    );
    const reentered = deliveryOf(
      b.segmentEvent({
        kind: 'entered',
        sourceId: 'KMN@123',
        segmentId: 'sgmt_1',
        segmentName: 'Very important',
      }),
      3,
    );

    await record(left, reentered, entered);
    expect(await rows('SELECT is_member, entered_at FROM segment_memberships')).toEqual([
      { is_member: true, entered_at: new Date(1_700_000_000_003) },
    ]);
    expect(await rows(LATEST_SEGMENT_NAME)).toEqual([{ name: 'Very important' }]);
  });

  it("a segment's name is its latest report, whichever customer's event made it and whatever the order", async () => {
    await record(
      deliveryOf(
        b.segmentEvent({
          kind: 'entered',
          sourceId: 'KRISH@123',
          segmentId: 'sgmt_1',
          segmentName: 'Renamed',
        }),
        3,
      ),
      deliveryOf(
        b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
        1,
      ),
      deliveryOf(
        b.segmentEvent({ kind: 'left', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'Old name' }),
        2,
      ),
    );

    expect(await rows(LATEST_SEGMENT_NAME)).toEqual([{ name: 'Renamed' }]);
    expect(await rows('SELECT segment_id FROM segments')).toEqual([{ segment_id: 'sgmt_1' }]);
  });

  it("does not wait for a lock on the segment's row: events of a popular segment never queue for it", async () => {
    await record(
      deliveryOf(
        b.segmentEvent({ kind: 'entered', sourceId: 'KMN@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
        1,
      ),
    );
    const holder = await holdInTransaction(
      db.prisma,
      "SELECT 1 FROM segments WHERE segment_id = 'sgmt_1' FOR UPDATE",
    );
    try {
      // With the row locked elsewhere, an upsert that updated (or merely locked) it would wait
      // until the holder ends, which it does only after this.
      const recorded = record(
        deliveryOf(
          b.segmentEvent({ kind: 'entered', sourceId: 'KRISH@123', segmentId: 'sgmt_1', segmentName: 'VIP' }),
          2,
        ),
      ).then(() => 'recorded');
      const blocked = new Promise((resolve) =>
        setTimeout(() => resolve('waited for the segment row'), 30_000),
      );
      expect(await Promise.race([recorded, blocked])).toBe('recorded');
    } finally {
      await holder.release();
    }
    expect(await rows('SELECT source_id FROM segment_memberships ORDER BY source_id')).toEqual([
      { source_id: 'KMN@123' },
      { source_id: 'KRISH@123' },
    ]);
  });
});

describe('recordEvents: nothing is dropped', () => {
  async function storedEvents(): Promise<Record<string, unknown>[]> {
    return rows('SELECT status::text, name, raw_name, source_id, reason, raw_body FROM events ORDER BY seq');
  }

  it('stores an unknown event name as unrecognized with a reason, and projects nothing', async () => {
    const body = JSON.stringify({ event_name: 'customer.teleported', source_id: 'KMN@123', metadata: {} });
    const [result] = await recordEvents(db.prisma, [deliveryOf(body, 1)]);

    expect(result).toMatchObject({ outcome: 'stored', status: 'unrecognized' });
    expect(await storedEvents()).toEqual([
      {
        status: 'unrecognized',
        name: null,
        raw_name: 'customer.teleported',
        source_id: 'KMN@123',
        reason: 'unknown event name "customer.teleported"',
        raw_body: body,
      },
    ]);
    expect(await rows('SELECT * FROM customers')).toEqual([]);
  });

  it('stores an unreadable payload as invalid with a reason, and projects nothing', async () => {
    const body = JSON.stringify({
      event_name: 'wallet.credited',
      source_id: 'KMN@123',
      metadata: { wallet: {} },
    });
    await record(deliveryOf(body, 1));

    const [stored] = await storedEvents();
    expect(stored).toMatchObject({ status: 'invalid', name: 'wallet.credited', raw_body: body });
    expect(stored?.['reason']).toEqual(expect.any(String) as unknown);
    expect(await rows('SELECT * FROM wallet_transactions')).toEqual([]);
  });

  it('stores a body that is not JSON as invalid, exactly as received', async () => {
    await record(deliveryOf('{"event_name": "wallet.cred', 1));

    expect(await storedEvents()).toEqual([
      expect.objectContaining({ status: 'invalid', raw_body: '{"event_name": "wallet.cred' }),
    ]);
  });

  it('stores text Postgres cannot hold (NUL) with U+FFFD instead of failing the job', async () => {
    await record(
      deliveryOf(
        b.customerMetaUpdated({
          sourceId: 'KMN@123',
          customerId: 'cust_1',
          properties: { 'nick\u0000': 'a\u0000b' },
        }),
        1,
      ),
    );

    expect(await rows('SELECT key, value FROM customer_properties')).toEqual([
      { key: 'nick\ufffd', value: 'a\ufffdb' },
    ]);
  });

  it('refuses to change or delete a stored event', async () => {
    await record(deliveryOf(fixtureBody('documented', 'order_success.json'), 1));

    await expect(db.prisma.$executeRawUnsafe("UPDATE events SET raw_body = '{}'")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.prisma.$executeRawUnsafe('DELETE FROM events')).rejects.toThrow(/append-only/);
    await expect(db.prisma.$executeRawUnsafe('TRUNCATE events')).rejects.toThrow(/append-only/);
  });
});

describe('recordEvents: every delivery recorded', () => {
  const key = 'occurrence:wallet.credited:["trhi_1"]';
  const first: WebhookJobData = {
    ...deliveryOf(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 10 }),
      1,
    ),
    idempotencyKey: key,
    receiptId: 'r-1',
  };
  const reworded = JSON.stringify({
    ...(JSON.parse(first.rawBody) as object),
    note: 'sent again with other words',
  });
  const redelivery: WebhookJobData = {
    ...deliveryOf(reworded, 2),
    idempotencyKey: key,
    receiptId: 'r-2',
    redelivery: 'occurrence',
  };

  async function deliveries() {
    return rows<{ receipt_id: string; event_key: string; rule: string; note: string | null }>(
      'SELECT receipt_id, event_key, rule, note FROM deliveries ORDER BY receipt_id',
    );
  }

  it('records the first delivery and a redelivery, storing the event from the first only', async () => {
    await record(first);
    const before = await dumpReadModels(db.prisma);
    const [result] = await recordEvents(db.prisma, [redelivery]);
    expect(result?.outcome).toBe('duplicate');
    expect(await dumpReadModels(db.prisma)).toEqual(before);
    expect(await deliveries()).toEqual([
      { receipt_id: 'r-1', event_key: key, rule: 'first', note: null },
      { receipt_id: 'r-2', event_key: key, rule: 'occurrence', note: null },
    ]);
    const events = await rows<{ raw_body: string }>('SELECT raw_body FROM events');
    expect(events).toEqual([{ raw_body: first.rawBody }]);
  });

  it('comes out the same when the redelivery is processed before the first delivery, and in one call', async () => {
    await record(redelivery, first);
    const oneByOne = { models: await dumpReadModels(db.prisma), deliveries: await deliveries() };
    await db.prisma.$executeRawUnsafe('TRUNCATE deliveries');
    await recordEvents(db.prisma, [redelivery, first]);
    expect({ models: await dumpReadModels(db.prisma), deliveries: await deliveries() }).toEqual(oneByOne);
    expect(oneByOne.deliveries.map((d) => d.rule)).toEqual(['first', 'occurrence']);
  });

  it('records a retried job once', async () => {
    await record(first, first, redelivery, redelivery);
    expect(await deliveries()).toHaveLength(2);
  });

  it('recognises by its key a first delivery whose key the store already has (the marker had expired)', async () => {
    const late: WebhookJobData = { ...first, receiptId: 'r-3', receiptStamp: stampAt(3).toString() };
    await record(first, late);
    expect((await deliveries()).map((d) => [d.receipt_id, d.rule])).toEqual([
      ['r-1', 'first'],
      ['r-3', 'occurrence'],
    ]);
  });

  it('keeps the reason a body was identified by content', async () => {
    const note = 'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content';
    await record({ ...first, idempotencyKey: 'content:ab:1', identityNote: note });
    expect(await deliveries()).toEqual([
      { receipt_id: 'r-1', event_key: 'content:ab:1', rule: 'first', note },
    ]);
  });
});
