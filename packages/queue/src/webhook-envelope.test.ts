import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReceiptClock } from '@mirror/delivery-identity';
import { buildWebhookJob, parseWebhookBody } from './webhook-envelope';

const fixturesDir = join(__dirname, '../../../../shared/rehook/fixtures');

describe('parseWebhookBody', () => {
  it('accepts every Rehook fixture', () => {
    for (const group of ['documented', 'assumed']) {
      for (const file of readdirSync(join(fixturesDir, group))) {
        const parsed = parseWebhookBody(readFileSync(join(fixturesDir, group, file), 'utf8'));
        expect(parsed.ok).toBe(true);
      }
    }
  });

  it('accepts any JSON object, even one that is no Rehook event', () => {
    expect(parseWebhookBody('{"hello":"world"}')).toEqual({ ok: true, body: { hello: 'world' } });
  });

  it.each([['not json'], ['{"a":'], ['']])('refuses text that is not JSON: %j', (text) => {
    expect(parseWebhookBody(text)).toMatchObject({ ok: false, reason: 'not-json' });
  });

  it.each([
    ['[]', 'an array'],
    ['null', 'null'],
    ['42', 'a number'],
    ['"x"', 'a string'],
    ['true', 'a boolean'],
  ])('refuses JSON that is not an object: %s', (text, kind) => {
    const parsed = parseWebhookBody(text);
    expect(parsed).toMatchObject({ ok: false, reason: 'not-an-object' });
    expect(!parsed.ok && parsed.detail).toContain(kind);
  });
});

describe('buildWebhookJob', () => {
  const rawBody = '{"event_name":"signup","source_id":"a"}';
  const body = { event_name: 'signup', source_id: 'a' };

  it('carries the raw body, a content key, the receipt stamp and a receipt id', () => {
    const job = buildWebhookJob({ rawBody, body }, new ReceiptClock(() => 1_700_000_000_000));
    expect(job).toEqual({
      rawBody,
      idempotencyKey: expect.stringMatching(/^content:[0-9a-f]{64}:1700000000000000$/) as unknown,
      receiptStamp: '1700000000000000',
      receivedAt: 1_700_000_000_000,
      receiptId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
  });

  it('uses the delivery id as key when there is one', () => {
    const job = buildWebhookJob({ rawBody, body, deliveryId: 'd-1' }, new ReceiptClock());
    expect(job.idempotencyKey).toBe('delivery:d-1');
  });

  it('falls back to the body when the delivery id is empty', () => {
    const job = buildWebhookJob({ rawBody, body, deliveryId: '' }, new ReceiptClock());
    expect(job.idempotencyKey).toMatch(/^content:/);
  });

  it('keys a body with an occurrence id by it, and says why one without a usable id is keyed by content', () => {
    const credited = { event_name: 'wallet.credited', metadata: { wallet: { transaction_id: 'trhi_1' } } };
    const keyed = buildWebhookJob({ rawBody: JSON.stringify(credited), body: credited }, new ReceiptClock());
    expect(keyed.idempotencyKey).toBe('occurrence:wallet.credited:["trhi_1"]');
    expect(keyed.identityNote).toBeUndefined();
    const broken = { event_name: 'wallet.credited', metadata: { wallet: { transaction_id: null } } };
    const job = buildWebhookJob({ rawBody: JSON.stringify(broken), body: broken }, new ReceiptClock());
    expect(job.idempotencyKey).toMatch(/^content:/);
    expect(job.identityNote).toBe(
      'metadata.wallet.transaction_id is null, so wallet.credited is deduplicated by content',
    );
  });

  it('keys an empty body (a test ping) by content of its own, apart from every object', () => {
    const clock = new ReceiptClock(() => 7);
    const job = buildWebhookJob({ rawBody: '', body: null }, clock);
    expect(job.rawBody).toBe('');
    expect(job.idempotencyKey).toMatch(/^content:[0-9a-f]{64}:7000$/);
    const other = buildWebhookJob({ rawBody: '{}', body: {} }, clock).idempotencyKey;
    expect(other.split(':')[1]).not.toBe(job.idempotencyKey.split(':')[1]);
  });

  it('stamps two jobs built in the same millisecond in order, with receipt ids of their own', () => {
    const clock = new ReceiptClock(() => 7);
    const first = buildWebhookJob({ rawBody, body }, clock);
    const second = buildWebhookJob({ rawBody, body }, clock);
    expect(BigInt(second.receiptStamp)).toBeGreaterThan(BigInt(first.receiptStamp));
    expect(second.receiptId).not.toBe(first.receiptId);
  });
});
