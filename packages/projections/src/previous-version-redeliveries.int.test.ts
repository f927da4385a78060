import { eventIdentityOf, idempotencyKeyFromBody, type WebhookJobData } from '@mirror/delivery-identity';
import * as b from '@mirror/rehook-bodies';
import { freshDatabasePerTest } from '../../../test/support/fresh-database';
import { EventRecorder } from './event-recorder';
import { PreviousVersionRedeliveries } from './previous-version-redeliveries';

jest.setTimeout(60_000);

const db = freshDatabasePerTest();
const HOUR_MS = 3_600_000;
const order = JSON.stringify(b.orderSuccess({ sourceId: 'KMN@123', total: 549, orderNo: 'prod_iphone9' }));

let receipts = 0;

/** A delivery as the version before delivery identity queued it: keyed by its body's hash. */
function previousDelivery(rawBody: string, receivedAt: number): WebhookJobData {
  return {
    rawBody,
    idempotencyKey: idempotencyKeyFromBody(JSON.parse(rawBody)),
    receiptStamp: String(receivedAt * 1000),
    receivedAt,
  };
}

/** A first delivery as today's ingest queues it: its occurrence key, or its content key and stamp. */
function todaysDelivery(rawBody: string, receivedAt: number): WebhookJobData {
  const identity = eventIdentityOf(rawBody, JSON.parse(rawBody));
  const stamp = String(receivedAt * 1000 + 1);
  return {
    rawBody,
    idempotencyKey: identity.startsWith('content:') ? `${identity}:${stamp}` : identity,
    receiptStamp: stamp,
    receivedAt,
    receiptId: `receipt-${++receipts}`,
  };
}

/** The worker's recorder, with the previous version's redeliveries recognised within `windowSeconds`. */
function recorder(windowSeconds = 3600): EventRecorder {
  return new EventRecorder(db.prisma, {
    previousVersion: new PreviousVersionRedeliveries(db.prisma, windowSeconds),
  });
}

async function query<T>(sql: string): Promise<T[]> {
  return db.prisma.$queryRawUnsafe<T[]>(sql);
}
const eventKeys = async () =>
  (await query<{ k: string }>('SELECT idempotency_key AS k FROM events ORDER BY seq')).map((row) => row.k);
const deliveryRules = async () =>
  (
    await query<{ event_key: string; rule: string }>(
      'SELECT event_key, rule FROM deliveries ORDER BY receipt_stamp, receipt_id',
    )
  ).map((row) => [row.event_key, row.rule]);
const ordersOf = async () =>
  (await query<{ n: number }>(`SELECT orders_count AS n FROM customers WHERE source_id = 'KMN@123'`))[0]?.n;

describe('PreviousVersionRedeliveries: a redelivery that straddles the upgrade', () => {
  it('an order the previous version stored, redelivered to today\u2019s ingest within the window, is that order', async () => {
    const now = Date.now();
    const first = previousDelivery(order, now - 10 * 60_000);
    await recorder().record(first);

    const straddling = todaysDelivery(order, now);
    const worker = recorder();
    expect(await worker.record(straddling)).toMatchObject({
      outcome: 'duplicate',
      idempotencyKey: first.idempotencyKey,
    });
    // Later redeliveries that today's ingest recognised by its own key follow the first one.
    const again = { ...todaysDelivery(order, now + 5), redelivery: 'content-window' as const };
    again.idempotencyKey = straddling.idempotencyKey;
    await worker.record(again);
    // Re-serialized (other key order and spacing): the same body for both versions.
    const respaced = JSON.stringify(JSON.parse(order), null, 2);
    await worker.record(todaysDelivery(respaced, now + 10));

    expect(await eventKeys()).toEqual([first.idempotencyKey]);
    expect(await deliveryRules()).toEqual([
      [first.idempotencyKey, 'first'],
      [first.idempotencyKey, 'previous-version'],
      [first.idempotencyKey, 'content-window'],
      [first.idempotencyKey, 'previous-version'],
    ]);
    expect(await ordersOf()).toBe(1);
  });

  it('the same order after the window is a second order, as today\u2019s content window has it', async () => {
    const now = Date.now();
    await recorder().record(previousDelivery(order, now - 2 * HOUR_MS));
    const repeat = todaysDelivery(order, now);

    expect(await recorder().record(repeat)).toMatchObject({
      outcome: 'stored',
      idempotencyKey: repeat.idempotencyKey,
    });
    expect(await ordersOf()).toBe(2);
  });

  it('a wallet.credited redelivered after the upgrade is recognised; reworded, it is stored and the ledger counts it once', async () => {
    const now = Date.now();
    const credit = {
      direction: 'credit',
      sourceId: 'KMN@123',
      transactionId: 'trhi_straddle',
      points: 100,
    } as const;
    const credited = b.walletEvent(credit);
    const first = previousDelivery(JSON.stringify(credited), now - 60_000);
    await recorder().record(first);

    const worker = recorder();
    expect(await worker.record(todaysDelivery(JSON.stringify(credited), now))).toMatchObject({
      outcome: 'duplicate',
    });
    const reworded = b.walletEvent({ ...credit, description: '100 points for your order' });
    expect(await worker.record(todaysDelivery(JSON.stringify(reworded), now + 1))).toMatchObject({
      outcome: 'stored',
    });

    expect(await eventKeys()).toEqual([first.idempotencyKey, 'occurrence:wallet.credited:["trhi_straddle"]']);
    expect(await query('SELECT points::text FROM wallet_transactions')).toEqual([{ points: '100.0000' }]);
  });

  it('bodies that differ only in an integer above 2^53 are two events, though the previous version gave them one key', async () => {
    const now = Date.now();
    const withRef = (ref: string) => order.replace('"mode":"CARD"', `"mode":"CARD","order_ref":${ref}`);
    const first = previousDelivery(withRef('9007199254740993'), now - 60_000);
    await recorder().record(first);
    const other = todaysDelivery(withRef('9007199254740992'), now);
    expect(previousDelivery(other.rawBody, now).idempotencyKey).toBe(first.idempotencyKey);

    expect(await recorder().record(other)).toMatchObject({
      outcome: 'stored',
      idempotencyKey: other.idempotencyKey,
    });
    expect(await ordersOf()).toBe(2);
  });

  it('a job the previous version queued, stored by this worker after its first look, moves the horizon', async () => {
    const now = Date.now();
    const worker = recorder();
    await worker.record(
      todaysDelivery(
        JSON.stringify(b.customerCreated({ sourceId: 'KMN@123', customerId: 'cust_1' })),
        now - 1000,
      ),
    );
    const queued = previousDelivery(order, now - 500);
    await worker.record(queued);

    expect(await worker.record(todaysDelivery(order, now))).toMatchObject({
      outcome: 'duplicate',
      idempotencyKey: queued.idempotencyKey,
    });
    expect(await ordersOf()).toBe(1);
  });

  it('a window of 0 turns it off: every body is a new event', async () => {
    const now = Date.now();
    await recorder(0).record(previousDelivery(order, now - 1000));
    expect(await recorder(0).record(todaysDelivery(order, now))).toMatchObject({ outcome: 'stored' });
    expect(await ordersOf()).toBe(2);
  });
});
