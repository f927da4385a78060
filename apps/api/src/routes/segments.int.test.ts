import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import type { Segment, SegmentMember } from '../schemas/segments';
import { Deliverer } from '../../../../test/support/deliver';
import { segmentEvent } from '@mirror/rehook-bodies';
import { ISO, queuePrefixFor } from '../../../../test/support/scenario';
import { allPages, startTestApi, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const SEGMENTS = Array.from({ length: 11 }, (_, i) => `sgmt_${String(i).padStart(2, '0')}`);
const MEMBERS = ['a+b c', 'KMN@123', 'Zoë@ü', ...Array.from({ length: 9 }, (_, i) => `m${i}`)];

beforeAll(async () => {
  db = await createTestDatabase();
  const deliverer = new Deliverer(db.prisma);
  await deliverer.deliver([
    // Segment i has the first i members; segment 10 has them all.
    ...SEGMENTS.flatMap((segmentId, i) =>
      MEMBERS.slice(0, i).map((sourceId) => segmentEvent({ kind: 'entered', sourceId, segmentId })),
    ),
    // One leaves segment 10 again.
    segmentEvent({ kind: 'left', sourceId: 'Zoë@ü', segmentId: 'sgmt_10' }),
    // An empty segment: everyone who entered left again.
    segmentEvent({ kind: 'entered', sourceId: 'x', segmentId: 'sgmt_empty' }),
    segmentEvent({ kind: 'left', sourceId: 'x', segmentId: 'sgmt_empty' }),
  ]);
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api?.close();
  await db?.drop();
});

describe('GET /v1/segments', () => {
  it('pages through segments in id order with their current member counts', async () => {
    const { items, pages } = await allPages<Segment>(api, 'listSegments', { limit: 4 });
    expect(pages).toBe(3);
    expect(items).toEqual([
      ...SEGMENTS.slice(1, 10).map((segmentId, i) => ({
        segmentId,
        name: `Segment ${segmentId}`,
        memberCount: i + 1,
      })),
      { segmentId: 'sgmt_10', name: 'Segment sgmt_10', memberCount: 9 },
      { segmentId: 'sgmt_empty', name: 'Segment sgmt_empty', memberCount: 0 },
    ]);
  });

  it('answers 400 for a bad limit', async () => {
    expect((await api.call('listSegments', { query: { limit: 'ten' } })).status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect((await api.call('listSegments', { token: null })).status).toBe(401);
  });
});

describe('GET /v1/segments/{segmentId}/members', () => {
  it('pages through the current members in source-id order, without those who left', async () => {
    const { items, pages } = await allPages<SegmentMember>(api, 'listSegmentMembers', {
      params: { segmentId: 'sgmt_10' },
      limit: 2,
    });
    expect(pages).toBe(5);
    const expected = MEMBERS.slice(0, 10).filter((m) => m !== 'Zoë@ü');
    expect(items.map((m) => m.sourceId).sort()).toEqual([...expected].sort());
    expect(items.every((m) => ISO.test(m.enteredAt ?? ''))).toBe(true);
  });

  it('answers an empty page for a known segment without members', async () => {
    const res = await api.call('listSegmentMembers', { params: { segmentId: 'sgmt_empty' } });
    expect(res).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
  });

  it('answers 404 for a segment no event has named', async () => {
    expect((await api.call('listSegmentMembers', { params: { segmentId: 'sgmt_none' } })).status).toBe(404);
  });

  it('answers 400 for a cursor of another list', async () => {
    const foreign = Buffer.from(JSON.stringify({ l: 'segments', k: ['x'] })).toString('base64url');
    const res = await api.call('listSegmentMembers', {
      params: { segmentId: 'sgmt_10' },
      query: { cursor: foreign },
    });
    expect(res.status).toBe(400);
  });

  it('answers 401 without the token', async () => {
    expect(
      (await api.call('listSegmentMembers', { params: { segmentId: 'sgmt_10' }, token: null })).status,
    ).toBe(401);
  });
});
