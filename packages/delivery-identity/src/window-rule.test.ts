import { fixture } from '../../catalog/src/test-fixtures';
import { contentDigest } from './content-key';
import { identityClaim, KEY_MARKER_TTL_MS, planIdentity } from './window-rule';

const input = (body: Record<string, unknown>, deliveryId?: string) => ({
  rawBody: JSON.stringify(body),
  body,
  deliveryId,
});

describe('planIdentity', () => {
  const order = fixture('documented', 'order_success.json');
  const credited = fixture('documented', 'wallet.credited.json');

  it('lets a delivery id decide alone', () => {
    expect(planIdentity(input(credited, 'evt_1'), '5000')).toEqual({
      rule: 'delivery-id',
      eventKey: 'delivery:evt_1',
      note: null,
    });
  });

  it('keys a body with an occurrence id by it, for good, whatever its stamp', () => {
    const first = planIdentity(input(credited), '5000');
    expect(planIdentity(input(credited), '9000000')).toEqual(first);
    expect(first).toEqual({
      rule: 'occurrence',
      eventKey: 'occurrence:wallet.credited:["trhi_JfW8QKvD5SxfOfIqWRSe3"]',
      note: null,
    });
  });

  it('keys any other body by its content and its stamp', () => {
    const digest = contentDigest(JSON.stringify(order), order);
    expect(planIdentity(input(order), '5000')).toEqual({
      rule: 'content-window',
      eventKey: `content:${digest}:5000`,
      note: null,
    });
  });

  it('carries the reason when a type with an occurrence key falls back to content', () => {
    const broken = { ...credited, metadata: { wallet: { transaction_id: '' } } };
    const plan = planIdentity(input(broken), '5000');
    expect(plan.rule).toBe('content-window');
    expect(plan.note).toBe(
      'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content',
    );
  });
});

describe('identityClaim', () => {
  it('claims the content window: the same body, whatever its stamp, claims one marker for the window', () => {
    const digest = 'ab'.repeat(32);
    const claim = identityClaim(`content:${digest}:5000`, 3600);
    expect(claim).toEqual({ marker: `identity:window:${digest}`, ttlMs: 3_600_000, rule: 'content-window' });
    expect(identityClaim(`content:${digest}:6000`, 3600)).toEqual(claim);
  });

  it('claims nothing for content when the window is 0: every delivery is an event', () => {
    expect(identityClaim(`content:${'ab'.repeat(32)}:5000`, 0)).toBeNull();
  });

  it('claims occurrence and delivery-id keys for longer than BullMQ keeps a job, under a hash', () => {
    const occurrence = identityClaim('occurrence:wallet.credited:["trhi_1"]', 3600);
    expect(occurrence).toEqual({
      marker: expect.stringMatching(/^identity:key:[0-9a-f]{64}$/) as unknown,
      ttlMs: KEY_MARKER_TTL_MS,
      rule: 'occurrence',
    });
    expect(KEY_MARKER_TTL_MS).toBeGreaterThan(24 * 60 * 60 * 1000);
    expect(identityClaim('delivery:evt_1', 0)?.rule).toBe('delivery-id');
    expect(identityClaim('delivery:evt_1', 0)?.marker).not.toBe(occurrence?.marker);
  });
});
