import { fixture } from '../../catalog/src/test-fixtures';
import { contentDigest } from './content-key';
import { KEY_MARKER_TTL_MS, planIdentity } from './window-rule';

const input = (body: Record<string, unknown>, deliveryId?: string) => ({
  rawBody: JSON.stringify(body),
  body,
  deliveryId,
});

describe('planIdentity', () => {
  const order = fixture('documented', 'order_success.json');
  const credited = fixture('documented', 'wallet.credited.json');

  it('lets a delivery id decide alone', () => {
    expect(planIdentity(input(credited, 'evt_1'), '5000', 3600)).toEqual({
      rule: 'delivery-id',
      eventKey: 'delivery:evt_1',
      marker: {
        name: expect.stringMatching(/^identity:key:[0-9a-f]{64}$/) as unknown,
        ttlMs: KEY_MARKER_TTL_MS,
      },
      note: null,
    });
  });

  it('keys a body with an occurrence id by it, for good, whatever its stamp', () => {
    const first = planIdentity(input(credited), '5000', 3600);
    const later = planIdentity(input(credited), '9000000', 0);
    expect(first).toEqual(later);
    expect(first.rule).toBe('occurrence');
    expect(first.eventKey).toBe('occurrence:wallet.credited:["trhi_JfW8QKvD5SxfOfIqWRSe3"]');
    expect(first.marker?.ttlMs).toBe(KEY_MARKER_TTL_MS);
  });

  it('keys any other body by its content and the first stamp, within the window', () => {
    const raw = JSON.stringify(order);
    const digest = contentDigest(raw, order);
    const plan = planIdentity(input(order), '5000', 3600);
    expect(plan).toEqual({
      rule: 'content-window',
      eventKey: `content:${digest}:5000`,
      marker: { name: `identity:window:${digest}`, ttlMs: 3_600_000 },
      note: null,
    });
    // The next delivery claims the same marker: a redelivery in the window, a new event after it.
    expect(planIdentity(input(order), '6000', 3600).marker).toEqual(plan.marker);
  });

  it('claims no marker for content when the window is 0: every delivery is an event', () => {
    expect(planIdentity(input(order), '5000', 0).marker).toBeNull();
  });

  it('carries the reason when a type with an occurrence key falls back to content', () => {
    const broken = { ...credited, metadata: { wallet: { transaction_id: '' } } };
    const plan = planIdentity(input(broken), '5000', 3600);
    expect(plan.rule).toBe('content-window');
    expect(plan.note).toBe(
      'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content',
    );
  });
});
