import { rebuildReadModels } from '@mirror/projections';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { CustomerDocument } from '../schemas/customers';
import type { StoredEvent } from '../schemas/events';
import type { WebhookReward } from '../schemas/rewards';
import { Deliverer } from '../../../../test/support/deliver';
import { webhookReward } from '@mirror/rehook-bodies';
import { deliverAllFixtures, ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const CUSTOMER = 'Zoë@ü rewards';
const PENDING = Array.from({ length: 9 }, (_, i) => `redm_p${i}`);

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverAllFixtures(deliverer);
  await deliverer.deliver(
    PENDING.map((redemptionId, i) =>
      webhookReward({ sourceId: CUSTOMER, redemptionId, points: 10 * (i + 1) }),
    ),
  );
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

const fulfil = (redemptionId: string) =>
  api.call<WebhookReward>('fulfilReward', { params: { redemptionId } });
const pendingPoints = async (sourceId: string) =>
  (await api.call<CustomerDocument>('getCustomer', { params: { sourceId } })).body.wallet.pendingRewardPoints;

describe('GET /v1/rewards/pending', () => {
  it('pages through the pending webhook rewards in redemption-id order', async () => {
    const { items, pages } = await allPages<WebhookReward>(api, 'listPendingRewards', { limit: 4 });
    expect(items.map((r) => r.redemptionId)).toEqual(['redm_pVRReQyxgFEr3MsSQIYBF', ...PENDING].sort());
    expect(pages).toBe(3);
    expect(items.find((r) => r.redemptionId === 'redm_pVRReQyxgFEr3MsSQIYBF')).toEqual({
      redemptionId: 'redm_pVRReQyxgFEr3MsSQIYBF',
      sourceId: 'KMN@123',
      points: 100,
      rewardId: 'rewd_cYjMQ9495B3HIWduEv9qp',
      rewardName: 'Webhook points',
      campaignId: 'camp_wfzCvil55m05zpxafISmc',
      rewardedAt: '2023-09-21T10:08:06.614Z',
      status: 'pending',
      fulfilledAt: null,
    });
  });

  it("lists one customer's pending rewards", async () => {
    const { items } = await allPages<WebhookReward>(api, 'listPendingRewards', {
      limit: 500,
      query: { sourceId: 'KMN@123' },
    });
    expect(items.map((r) => r.redemptionId)).toEqual(['redm_pVRReQyxgFEr3MsSQIYBF']);
  });

  it('answers 400 for a bad limit and 401 without the token', async () => {
    expect((await api.call('listPendingRewards', { query: { limit: 0 } })).status).toBe(400);
    expect((await api.call('listPendingRewards', { token: null })).status).toBe(401);
  });
});

describe('POST /v1/rewards/{redemptionId}/fulfil', () => {
  it('marks the reward fulfilled through the event store, harmlessly when repeated, and a rebuild keeps it', async () => {
    const redemptionId = 'redm_p3';
    expect(await pendingPoints(CUSTOMER)).toBe(450);

    // When the shop marks it fulfilled,
    const first = await fulfil(redemptionId);
    // then the reward is fulfilled, and its points no longer pending.
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ redemptionId, sourceId: CUSTOMER, points: 40, status: 'fulfilled' });
    expect(first.body.fulfilledAt).toMatch(ISO);
    expect(await pendingPoints(CUSTOMER)).toBe(410);
    const pending = await allPages<WebhookReward>(api, 'listPendingRewards', { limit: 500 });
    expect(pending.items.map((r) => r.redemptionId)).not.toContain(redemptionId);

    // The fulfilment is an event in the store, written by the mirror.
    const feed = await api.call<{ items: StoredEvent[] }>('listEvents', {
      query: { name: 'mirror.reward.fulfilled', includeBody: true },
    });
    expect(feed.body.items).toEqual([
      expect.objectContaining({
        idempotencyKey: `fulfil:${redemptionId}`,
        origin: 'mirror',
        status: 'projected',
        sourceId: CUSTOMER,
      }),
    ]);
    expect(JSON.parse(feed.body.items[0]?.rawBody ?? '{}')).toEqual({
      event_name: 'mirror.reward.fulfilled',
      source: 'mirror',
      source_id: CUSTOMER,
      metadata: { redemption_id: redemptionId },
    });

    // Repeating it changes nothing: same answer, no second event.
    const again = await fulfil(redemptionId);
    expect(again).toMatchObject({ status: 200, body: first.body });
    const feedAgain = await api.call<{ items: unknown[] }>('listEvents', {
      query: { name: 'mirror.reward.fulfilled' },
    });
    expect(feedAgain.body.items).toHaveLength(1);

    // A rebuild of the read models from the event store keeps the fulfilment.
    await rebuildReadModels(db.prisma);
    expect(await pendingPoints(CUSTOMER)).toBe(410);
    const afterRebuild = await fulfil(redemptionId);
    expect(afterRebuild.body).toEqual(first.body);
  });

  it('fulfils concurrently requested rewards once each', async () => {
    const answers = await Promise.all(['redm_p5', 'redm_p5', 'redm_p6', 'redm_p5'].map(fulfil));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(
      new Set(answers.filter((a) => a.body.redemptionId === 'redm_p5').map((a) => a.body.fulfilledAt)).size,
    ).toBe(1);
    const feed = await api.call<{ items: StoredEvent[] }>('listEvents', {
      query: { name: 'mirror.reward.fulfilled' },
    });
    expect(feed.body.items.map((e) => e.idempotencyKey).sort()).toEqual(
      ['fulfil:redm_p3', 'fulfil:redm_p5', 'fulfil:redm_p6'].sort(),
    );
  });

  it('accepts redemption ids that need URL encoding', async () => {
    const redemptionId = 'redm a+b/ü@1';
    await new Deliverer(db.prisma).deliver([webhookReward({ sourceId: 'KMN@123', redemptionId, points: 7 })]);
    const res = await api.callPath<WebhookReward>(
      'fulfilReward',
      `/v1/rewards/${encodeURIComponent(redemptionId)}/fulfil`,
    );
    expect(res.body).toMatchObject({ redemptionId, status: 'fulfilled' });
  });

  it('answers 404 for an unknown redemption and for a reward Rehook already credited to the wallet', async () => {
    expect((await fulfil('redm_unknown')).status).toBe(404);
    // The wallet-type customer.rewarded fixture: not a webhook reward.
    expect((await fulfil('redm_4RAUHTR8mGqoWn3QmtTqS')).status).toBe(404);
    const feed = await api.call<{ items: StoredEvent[] }>('listEvents', {
      query: { name: 'mirror.reward.fulfilled' },
    });
    expect(feed.body.items.map((e) => e.idempotencyKey)).not.toContain('fulfil:redm_unknown');
  });

  it('answers 400 for a query parameter, and 401 without the token', async () => {
    expect((await api.callPath('fulfilReward', '/v1/rewards/redm_p1/fulfil?force=true')).status).toBe(400);
    expect(
      (await api.call('fulfilReward', { params: { redemptionId: 'redm_p1' }, token: null })).status,
    ).toBe(401);
    expect(
      (await api.call<WebhookReward>('listPendingRewards', { query: { sourceId: CUSTOMER } })).body,
    ).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ redemptionId: 'redm_p1' })]) as unknown,
    });
  });
});
