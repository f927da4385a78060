import { readAt } from '../../../test/support/project-body';
import * as b from '@mirror/rehook-bodies';

describe('readBody', () => {
  it('stores a body that is not JSON as invalid, with the parser message', () => {
    const { event } = readAt('{"event_name": ', 1);
    expect(event).toMatchObject({ status: 'invalid', name: null, rawBody: '{"event_name": ' });
    expect(event.reason).toMatch(/^the body is not JSON/);
  });

  it('stores an empty body (a test ping) as invalid, with a reason that says so', () => {
    const { event, changes } = readAt('', 1);
    expect(event).toMatchObject({
      status: 'invalid',
      name: null,
      rawBody: '',
      reason: 'empty body (test ping?)',
    });
    expect(changes).toEqual([]);
  });

  it('stores an unknown event name as unrecognized, with the raw name and customer', () => {
    const read = readAt({ event_name: 'customer.teleported', source_id: 'KMN@123', metadata: {} }, 1);
    expect(read.event).toMatchObject({
      status: 'unrecognized',
      rawName: 'customer.teleported',
      sourceId: 'KMN@123',
    });
    expect(read.changes).toEqual([]);
  });

  it('stores a known event it cannot read as invalid, with the name and reason', () => {
    const read = readAt(
      { event_name: 'wallet.credited', source_id: 'KMN@123', metadata: { points: 'ten' } },
      1,
    );
    expect(read.event).toMatchObject({ status: 'invalid', name: 'wallet.credited' });
    expect(read.event.reason).toMatch(/points/);
  });

  it('reads the internal fulfilment only from a body the mirror wrote', () => {
    expect(readAt(b.rewardFulfilled({ redemptionId: 'redm_1' }), 1, 'webhook').event.status).toBe('invalid');
    expect(readAt(b.rewardFulfilled({ redemptionId: 'redm_1' }), 1, 'mirror').event.status).toBe('projected');
  });
});
