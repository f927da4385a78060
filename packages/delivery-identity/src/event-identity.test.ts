import { eventIdentityOf, identityOfKey } from './event-identity';
import { planIdentity } from './window-rule';

const order = { event_name: 'order_success', source_id: 'a@shop', metadata: { total: 10 } };
const credited = {
  event_name: 'wallet.credited',
  source_id: 'a@shop',
  metadata: { wallet: { transaction_id: 'trhi_1', points: 5, description: 'x' } },
};

describe('eventIdentityOf', () => {
  it('is the occurrence key of a body that has one, whatever else the body says', () => {
    const reworded = { ...credited, metadata: { wallet: { ...credited.metadata.wallet, description: 'y' } } };
    expect(eventIdentityOf(JSON.stringify(credited), credited)).toBe(
      eventIdentityOf(JSON.stringify(reworded), reworded),
    );
    expect(eventIdentityOf(JSON.stringify(credited), credited)).toBe(
      planIdentity({ rawBody: JSON.stringify(credited), body: credited }, '1').eventKey,
    );
  });

  it('is the content key without its receipt stamp otherwise, the same for every spelling of the body', () => {
    const raw = JSON.stringify(order);
    const respelled = '{ "metadata": {"total": 10.0}, "source_id": "a@shop", "event_name": "order_success" }';
    expect(eventIdentityOf(respelled, JSON.parse(respelled))).toBe(eventIdentityOf(raw, order));
    const stored = planIdentity({ rawBody: raw, body: order }, '1700000000000001').eventKey;
    expect(identityOfKey(stored)).toBe(eventIdentityOf(raw, order));
    expect(identityOfKey('occurrence:wallet.credited:["trhi_1"]')).toBe(
      'occurrence:wallet.credited:["trhi_1"]',
    );
  });
});
