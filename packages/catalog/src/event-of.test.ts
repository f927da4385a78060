import type { EventData, EventOf } from './event-of';
import type { CustomerProfileEvent, EventName, WalletEvent } from './events';

/*
 * These are checked by `pnpm typecheck` (jest only transpiles): a wrong narrowing fails to compile.
 */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const check = <T extends true>(value: T): T => value;

describe('EventOf', () => {
  it('narrows grouped event types to one of their names, where Extract would give never', () => {
    check<Equal<EventOf<'signup'>['name'], 'signup'>>(true);
    check<Equal<EventData<'signup'>, CustomerProfileEvent['data']>>(true);
    check<Equal<EventOf<'wallet.debited'>['data'], WalletEvent['data']>>(true);
    check<Equal<Extract<EventOf<EventName>, { name: 'order_success' }>['data']['total'], number | null>>(
      true,
    );
    // Not never: an event of that name can be built and read.
    const event: EventOf<'customer.segment.left'> = {
      name: 'customer.segment.left',
      rawName: 'customer.segment.left',
      sourceId: 'KMN@123',
      data: { segmentId: 'sgmt_1', segmentName: null },
    };
    expect(event.data.segmentId).toBe('sgmt_1');
  });
});
