import { normalize } from '@mirror/catalog';
import { CONTENT_KEY_PREFIX, eventIdentityOf } from '@mirror/delivery-identity';
import type { Delivery } from './effects';
import { expectedSummary } from './expected';
import { generateTraffic, SIMULATED_EVENT_NAMES } from './traffic-model';

const run = (seed: number, events = 400, customers = 10): Delivery[] => [
  ...generateTraffic({ seed, customers, events, redeliveryRate: 0.08 }),
];

describe('the simulated Rehook traffic', () => {
  it('is the same, byte for byte, for the same seed, and different for another', () => {
    expect(run(3).map((d) => d.rawBody)).toEqual(run(3).map((d) => d.rawBody));
    expect(run(4).map((d) => d.rawBody)).not.toEqual(run(3).map((d) => d.rawBody));
  });

  it('sends exactly the number of deliveries asked for', () => {
    expect(run(1, 1)).toHaveLength(1);
    expect(run(1, 137)).toHaveLength(137);
  });

  it('covers every Rehook event type within 120 deliveries', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const names = new Set(run(seed, 120, 5).map((d) => d.eventName));
      expect(SIMULATED_EVENT_NAMES.filter((n) => !names.has(n))).toEqual([]);
    }
  });

  it('sends only bodies the catalog recognizes', () => {
    for (const delivery of run(8, 600, 20)) {
      const result = normalize(JSON.parse(delivery.rawBody) as Record<string, unknown>);
      expect({ name: delivery.eventName, outcome: result.outcome }).toEqual({
        name: delivery.eventName,
        outcome: 'recognized',
      });
    }
  });

  it('redelivers earlier events under the same event identity, sometimes re-serialized', () => {
    const deliveries = run(9, 1000, 20);
    const redeliveries = deliveries.filter((d) => d.redelivery);
    expect(redeliveries.length).toBeGreaterThan(20);
    for (const d of redeliveries) expect(eventIdentityOf(d.rawBody, JSON.parse(d.rawBody))).toBe(d.key);
    expect(redeliveries.some((d) => !deliveries.some((o) => !o.redelivery && o.rawBody === d.rawBody))).toBe(
      true,
    );
  });

  it('reports a wallet reward and its wallet.credited with one transaction id and the same points', () => {
    const byTransaction = new Map<string, { names: Set<string>; points: Set<number> }>();
    for (const d of run(10, 800, 20)) {
      for (const e of d.effects) {
        if (e.kind !== 'ledger' || e.direction !== 'credit') continue;
        const entry = byTransaction.get(e.transactionId) ?? { names: new Set(), points: new Set() };
        entry.names.add(d.eventName);
        entry.points.add(e.points);
        byTransaction.set(e.transactionId, entry);
      }
    }
    const pairs = [...byTransaction.values()].filter((t) => t.names.size === 2);
    expect(pairs.length).toBeGreaterThan(5);
    for (const pair of pairs) {
      expect([...pair.names].sort()).toEqual(['customer.rewarded', 'wallet.credited']);
      expect(pair.points.size).toBe(1);
    }
  });

  it('never debits a wallet below zero', () => {
    const deliveries = run(12, 1500, 15);
    for (const customer of expectedSummary(deliveries).customers) {
      expect(customer.wallet.balance).toBeGreaterThanOrEqual(0);
    }
  });

  it('pairs every referral: the friend names the advocate, who names the friend back', () => {
    const deliveries = run(13, 1500, 20);
    const summary = expectedSummary(deliveries);
    const byRehookId = new Map(summary.customers.map((c) => [c.rehookCustomerId, c]));
    const friends = summary.customers.filter((c) => c.referrals.asFriend !== null);
    expect(friends.length).toBeGreaterThan(2);
    for (const friend of friends) {
      const advocate = byRehookId.get(friend.referrals.asFriend);
      expect(advocate?.referrals.asAdvocate).toContain(friend.rehookCustomerId);
    }
  });

  it('keeps each lane in order: last-writer-wins events of a customer never share a lane with another', () => {
    for (const d of run(14, 500, 10)) {
      if (d.sourceId !== '') expect(d.lane).toBe(d.sourceId);
    }
  });
});

describe('the expected read models', () => {
  const customer = (sourceId: string) => ({ kind: 'customer' as const, sourceId, rehookCustomerId: null });
  const delivery = (
    seq: number,
    key: string,
    effects: Delivery['effects'],
    redelivery = false,
  ): Delivery => ({
    seq,
    eventName: 'x',
    sourceId: 'c1',
    lane: 'c1',
    rawBody: '{}',
    key,
    redelivery,
    effects: [customer('c1'), ...effects],
  });

  it('counts a transaction reported twice once, and a redelivered debit once', () => {
    const credit = {
      kind: 'ledger' as const,
      sourceId: 'c1',
      transactionId: 't1',
      direction: 'credit' as const,
      points: 10,
    };
    const debit = {
      kind: 'ledger' as const,
      sourceId: 'c1',
      transactionId: 't2',
      direction: 'debit' as const,
      points: 4,
    };
    const summary = expectedSummary([
      delivery(0, 'a', [credit]),
      delivery(1, 'b', [credit]),
      delivery(2, 'c', [debit]),
      delivery(3, 'c', [debit], true),
    ]);
    expect(summary.customers[0]?.wallet).toEqual({
      balance: 6,
      credited: 10,
      debited: 4,
      pendingRewardPoints: 0,
    });
    expect(summary).toMatchObject({ deliveries: 4, distinctEvents: 3, redeliveries: 1 });
    expect(summary.customers[0]?.eventCount).toBe(3);
  });

  it('keeps a coupon redeemed while one redemption is not rolled back', () => {
    const summary = expectedSummary([
      delivery(0, 'a', [{ kind: 'couponAssigned', code: 'C', sourceId: 'c1' }]),
      delivery(1, 'b', [{ kind: 'couponRedeemed', code: 'C', redemptionId: 'r1', sourceId: 'c1' }]),
      delivery(2, 'c', [{ kind: 'couponRolledBack', code: 'C', redemptionId: 'r1' }]),
    ]);
    expect(summary.customers[0]?.coupons).toEqual([{ code: 'C', status: 'assigned' }]);
    const again = expectedSummary([
      delivery(0, 'a', [{ kind: 'couponAssigned', code: 'C', sourceId: 'c1' }]),
      delivery(1, 'b', [{ kind: 'couponRedeemed', code: 'C', redemptionId: 'r1', sourceId: 'c1' }]),
      delivery(2, 'c', [{ kind: 'couponRolledBack', code: 'C', redemptionId: 'r1' }]),
      delivery(3, 'd', [{ kind: 'couponRedeemed', code: 'C', redemptionId: 'r2', sourceId: 'c1' }]),
    ]);
    expect(again.customers[0]?.coupons).toEqual([{ code: 'C', status: 'redeemed' }]);
  });

  it('lets the last segment event of a customer win', () => {
    const summary = expectedSummary([
      delivery(0, 'a', [{ kind: 'segment', sourceId: 'c1', segmentId: 's', member: true }]),
      delivery(1, 'b', [{ kind: 'segment', sourceId: 'c1', segmentId: 's', member: false }]),
    ]);
    expect(summary.customers[0]?.segments).toEqual([]);
  });

  it('without genuine repeats, never sends a body identical to an earlier event as an event of its own', () => {
    const deliveries = run(12, 1500, 15);
    expect(deliveries.some((d) => d.repeatOf !== undefined)).toBe(false);
    const firstKeyOfBody = new Map<string, string>();
    for (const d of deliveries) {
      const identity = eventIdentityOf(d.rawBody, JSON.parse(d.rawBody));
      expect(firstKeyOfBody.get(identity) ?? d.key).toBe(d.key);
      firstKeyOfBody.set(identity, d.key);
    }
  });

  it('with genuine repeats, sends identical orders and segment re-entries as events of their own, after the earlier one', () => {
    const deliveries = [
      ...generateTraffic({
        seed: 13,
        customers: 10,
        events: 1500,
        redeliveryRate: 0.08,
        genuineRepeats: true,
      }),
    ];
    const repeats = deliveries.filter((d) => d.repeatOf !== undefined);
    const names = new Set(repeats.map((d) => d.eventName));
    expect(names).toContain('order_success');
    expect(names).toContain('customer.segment.entered');
    for (const repeat of repeats) {
      const earlier = deliveries.find((d) => d.seq === repeat.repeatOf);
      expect(earlier?.rawBody).toBe(repeat.rawBody);
      expect(earlier?.lane).toBe(repeat.lane);
      expect(repeat.key).not.toBe(earlier?.key);
      expect(repeat.key.startsWith(`${eventIdentityOf(repeat.rawBody, JSON.parse(repeat.rawBody))}#`)).toBe(
        true,
      );
    }
    // A second identical order counts as a second order.
    const summary = expectedSummary(deliveries);
    expect(summary.genuineRepeats).toBe(new Set(repeats.map((d) => d.key)).size);
    const ordersSent = new Set(deliveries.filter((d) => d.eventName === 'order_success').map((d) => d.key))
      .size;
    expect(summary.totals.orders).toBe(ordersSent);
    // Redeliveries of a body without an occurrence key follow it closely (inside the window).
    for (const [i, d] of deliveries.entries()) {
      if (!d.redelivery || !d.key.startsWith(CONTENT_KEY_PREFIX)) continue;
      const first = deliveries.findIndex((o) => o.key === d.key);
      expect(i - first).toBeLessThanOrEqual(16);
    }
  });

  it('with no dedupe window, counts every delivery of a body without an occurrence key as an event', () => {
    const deliveries = [
      ...generateTraffic({
        seed: 14,
        customers: 10,
        events: 800,
        redeliveryRate: 0.1,
        genuineRepeats: true,
        dedupeWindowSeconds: 0,
      }),
    ];
    const byContent = deliveries.filter((d) => d.key.startsWith(CONTENT_KEY_PREFIX));
    expect(new Set(byContent.map((d) => d.key)).size).toBe(byContent.length);
    expect(byContent.some((d) => d.redelivery)).toBe(true);
  });
});
