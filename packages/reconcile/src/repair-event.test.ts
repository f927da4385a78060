import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalize } from '@mirror/catalog';
import { occurrenceKey } from '@mirror/delivery-identity';
import { ReceiptClock } from '@mirror/queue';
import { repairDelivery } from './repair-event';

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, '../../../../shared/rehook/fixtures/documented', name), 'utf8'),
  ) as {
    source_id: string;
    metadata: { wallet: { transaction_id: string; points: number } };
  };

describe('repairDelivery', () => {
  it.each([
    ['wallet.credited.json', 'credit'],
    ['wallet.debited.json', 'debit'],
  ] as const)('keys a repair as the ingest keys the documented %s webhook', (file, type) => {
    const webhook = fixture(file);
    const { transaction_id, points } = webhook.metadata.wallet;
    const repair = repairDelivery(
      'run-1',
      webhook.source_id,
      { walletId: 'waty_1', record: { transaction_id, type, points } },
      new ReceiptClock(),
    );
    expect(repair.idempotencyKey).toBe(occurrenceKey(file.replace('.json', ''), webhook));
    const read = normalize(JSON.parse(repair.rawBody), { origin: 'reconcile' });
    expect(read).toMatchObject({
      outcome: 'recognized',
      event: { name: file.replace('.json', ''), sourceId: webhook.source_id },
    });
  });

  it('refuses a transaction id that cannot identify a transaction', () => {
    expect(() =>
      repairDelivery(
        'r',
        'c1',
        { walletId: 'w', record: { transaction_id: 'NA', type: 'credit', points: 1 } },
        new ReceiptClock(),
      ),
    ).toThrow(/cannot identify/);
  });
});
