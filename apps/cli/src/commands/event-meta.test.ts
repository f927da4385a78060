import { jobsOfExportedEvent, looksLikeExportedEvent } from './event-meta';

const exported = {
  idempotencyKey: 'content:ab:1700000000000001',
  receiptStamp: '1700000000000001',
  receivedAt: '2023-11-14T22:13:20.000Z',
  name: 'order_success',
  rawName: 'order_success',
  sourceId: 'a@shop',
  status: 'projected',
  reason: null,
  origin: 'webhook',
  rawBody: '{"event_name":"order_success"}',
  deliveries: [
    {
      receiptId: '0b7c2c9e-1d7b-4a43-9d0e-6f1f7a7b2a10',
      receiptStamp: '1700000000000001',
      receivedAt: '2023-11-14T22:13:20.000Z',
      rule: 'first',
      note: 'metadata.x is empty, so order_success is deduplicated by content',
    },
    {
      receiptId: 'job:ff',
      receiptStamp: '1700000000500002',
      receivedAt: '2023-11-14T22:13:20.500Z',
      rule: 'content-window',
      note: null,
    },
  ],
};

describe('an export --with-meta line', () => {
  it('is told apart from a webhook body, which always names its event', () => {
    expect(looksLikeExportedEvent(exported)).toBe(true);
    expect(looksLikeExportedEvent({ event_name: 'x', ...exported })).toBe(false);
    expect(looksLikeExportedEvent({ rawBody: '{}' })).toBe(false);
  });

  it('replays the stored delivery with its key, stamp, receipt id and note, then each redelivery by its rule', () => {
    const result = jobsOfExportedEvent(exported);
    expect(result).toEqual({
      ok: true,
      jobs: [
        {
          rawBody: exported.rawBody,
          idempotencyKey: exported.idempotencyKey,
          receiptStamp: '1700000000000001',
          receivedAt: Date.parse('2023-11-14T22:13:20.000Z'),
          receiptId: '0b7c2c9e-1d7b-4a43-9d0e-6f1f7a7b2a10',
          identityNote: 'metadata.x is empty, so order_success is deduplicated by content',
        },
        {
          rawBody: exported.rawBody,
          idempotencyKey: exported.idempotencyKey,
          receiptStamp: '1700000000500002',
          receivedAt: Date.parse('2023-11-14T22:13:20.500Z'),
          receiptId: 'job:ff',
          redelivery: 'content-window',
        },
      ],
    });
  });

  it("keeps the origin of the mirror's own events, and replays an event without delivery rows from itself", () => {
    const result = jobsOfExportedEvent({ ...exported, origin: 'mirror', deliveries: [] });
    expect(result).toEqual({
      ok: true,
      jobs: [
        {
          rawBody: exported.rawBody,
          idempotencyKey: exported.idempotencyKey,
          receiptStamp: exported.receiptStamp,
          receivedAt: Date.parse(exported.receivedAt),
          origin: 'mirror',
        },
      ],
    });
  });

  it.each([
    [{ receiptStamp: '12a' }, 'decimal receiptStamp'],
    [{ receivedAt: 'yesterday' }, 'receivedAt'],
    [{ origin: 'elsewhere' }, 'origin "elsewhere"'],
    [{ deliveries: {} }, 'deliveries is not an array'],
    [
      { deliveries: [{ receiptId: 'x', receiptStamp: '1', receivedAt: exported.receivedAt, rule: 'guess' }] },
      'deliveries[0]',
    ],
  ])('is refused with a reason when malformed (%j)', (change, reason) => {
    const result = jobsOfExportedEvent({ ...exported, ...change });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
