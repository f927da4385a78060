import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { LeaderboardAward } from '../schemas/leaderboards';
import { Deliverer } from '../../../../test/support/deliver';
import { leaderboardAwarded } from '@mirror/rehook-bodies';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const CAMPAIGN = 'camp lb/ü';
const PLAYERS = Array.from({ length: 6 }, (_, i) => `player+${i}@x`);

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverer.deliver(
    ['ldbd_a', 'ldbd_b'].flatMap((leaderboardId) =>
      ['2023-09-01T00:00:00Z', '2023-10-01T00:00:00Z'].flatMap((start) =>
        PLAYERS.map((sourceId, rank) =>
          leaderboardAwarded({
            sourceId,
            campaignId: CAMPAIGN,
            leaderboardId,
            start,
            rank: rank + 1,
            points: 100 - rank,
          }),
        ),
      ),
    ),
  );
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/leaderboards/{campaignId}/awards', () => {
  it('pages through the awards by leaderboard, recurrence and customer', async () => {
    const { items, pages } = await allPages<LeaderboardAward>(api, 'listLeaderboardAwards', {
      params: { campaignId: CAMPAIGN },
      limit: 5,
    });
    expect(items).toHaveLength(24);
    expect(pages).toBe(5);
    expect(items[0]).toEqual({
      campaignId: CAMPAIGN,
      leaderboardId: 'ldbd_a',
      recurrenceStart: '2023-09-01T00:00:00Z',
      recurrenceEnd: '2023-09-30T23:59:59.000Z',
      sourceId: 'player+0@x',
      rank: 1,
      score: 1999,
      points: 100,
      rewardName: 'September champion',
      // The test bodies give each award its own redemption id (one occurrence each).
      redemptionId: `redm_lb_${CAMPAIGN}_ldbd_a_2023-09-01T00:00:00Z_player+0@x`,
      awardedAt: expect.any(String) as unknown,
    });
    const keys = items.map((a) => [a.leaderboardId, a.recurrenceStart, a.sourceId].join('|'));
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(24);
  });

  it('filters by leaderboard', async () => {
    const { items } = await allPages<LeaderboardAward>(api, 'listLeaderboardAwards', {
      params: { campaignId: CAMPAIGN },
      query: { leaderboardId: 'ldbd_b' },
      limit: 500,
    });
    expect(items).toHaveLength(12);
    expect(items.every((a) => a.leaderboardId === 'ldbd_b')).toBe(true);
  });

  it('answers 404 for a campaign without awards', async () => {
    expect((await api.call('listLeaderboardAwards', { params: { campaignId: 'camp_none' } })).status).toBe(
      404,
    );
  });

  it('answers 400 for a malformed cursor', async () => {
    const cursor = Buffer.from(JSON.stringify({ l: 'leaderboard-awards', k: ['only-one'] })).toString(
      'base64url',
    );
    const res = await api.call('listLeaderboardAwards', {
      params: { campaignId: CAMPAIGN },
      query: { cursor },
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect(
      (await api.call('listLeaderboardAwards', { params: { campaignId: CAMPAIGN }, token: null })).status,
    ).toBe(401);
  });
});
