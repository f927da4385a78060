import { EVENT_NAMES } from '@mirror/catalog';
import { READ_MODELS } from './read-models';
import { readAt } from '../../../test/support/project-body';
import * as b from '@mirror/rehook-bodies';
import { fixtureBody, fixtureFiles } from '../../../test/support/deliveries';

describe('project', () => {
  it('handles every event name in at least one read model', () => {
    for (const name of EVENT_NAMES) {
      expect(READ_MODELS.filter((model) => model.handles.has(name)).length).toBeGreaterThan(0);
    }
  });

  it('projects every fixture', () => {
    for (const [group, file] of fixtureFiles()) {
      const read = readAt(fixtureBody(group, file), 1);
      expect([file, read.event.status, read.event.reason]).toEqual([file, 'projected', null]);
      expect(read.changes.length).toBeGreaterThan(0);
    }
  });

  it('stores an amount beyond the limit of one amount as invalid, with the reason', () => {
    const read = readAt(
      b.walletEvent({ direction: 'credit', sourceId: 'KMN@123', transactionId: 'trhi_1', points: 1e17 }),
      1,
    );
    expect(read.event).toMatchObject({ status: 'invalid', name: 'wallet.credited' });
    expect(read.event.reason).toMatch(/wallet points 100000000000000000 is out of range/);
    expect(read.changes).toEqual([]);
  });

  it('replaces characters Postgres cannot store, so the natural keys match the stored ones', () => {
    const read = readAt(
      b.segmentEvent({
        kind: 'entered',
        sourceId: 'KMN\u0000@123',
        segmentId: 'sgmt_\ud800',
        segmentName: 'VIP',
      }),
      1,
    );
    expect(read.event.sourceId).toBe('KMN\ufffd@123');
    expect(read.changes.map((change) => change.table === 'segments' && change.row.segmentId)).toContain(
      'sgmt_\ufffd',
    );
  });
});
