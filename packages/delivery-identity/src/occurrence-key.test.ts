import { readFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalEventName, EVENT_NAMES, OCCURRENCE_KEYS } from '@mirror/catalog';
import { fixture, loadFixtures } from '../../catalog/src/test-fixtures';
import { parseLosslessJson } from './lossless-json';
import { identifyBody, identifyOccurrence, occurrenceKey } from './occurrence-key';

describe('occurrence keys', () => {
  it('key a wallet transaction by its id, the direction by the event name', () => {
    const credited = fixture('documented', 'wallet.credited.json');
    const debited = fixture('documented', 'wallet.debited.json');
    expect(identifyBody(credited)).toEqual({
      by: 'occurrence',
      key: 'occurrence:wallet.credited:["trhi_JfW8QKvD5SxfOfIqWRSe3"]',
    });
    expect(occurrenceKey('wallet.debited', debited)).toBe(
      'occurrence:wallet.debited:["trhi_JfW8QKvD5SxfOfIqWRSe3"]',
    );
  });

  it('give the same key whatever else in the body changed', () => {
    const first = fixture('documented', 'wallet.credited.json');
    const reworded = structuredClone(first) as { metadata: { wallet: Record<string, unknown> } };
    reworded.metadata.wallet.description = 'Points credited.';
    reworded.metadata.wallet.updated_at = '2023-09-23T00:00:00Z';
    expect(identifyBody(reworded)).toEqual(identifyBody(first));
  });

  it('read the key fields in any casing, and the names as Rehook spells them', () => {
    const advocate = fixture('documented', 'customer.referral.successful.advocate.json');
    const snake = { ...advocate, metadata: { redemption_id: 'redm_TqOJroirusQu8W7f6YxAB' } };
    const key = 'occurrence:customer.referral.successful.advocate:["redm_TqOJroirusQu8W7f6YxAB"]';
    expect(identifyBody(advocate)).toEqual({ by: 'occurrence', key });
    expect(identifyBody(snake)).toEqual({ by: 'occurrence', key });
    expect(occurrenceKey('customer.referral.successfull.advocate', advocate)).toBe(key);
  });

  it('keep events of two types apart even when they share an id', () => {
    const rewarded = fixture('documented', 'customer.rewarded.wallet.json');
    const credited = {
      ...fixture('documented', 'wallet.credited.json'),
      metadata: { wallet: { transaction_id: 'redm_4RAUHTR8mGqoWn3QmtTqS' } },
    };
    expect(occurrenceKey('customer.rewarded', rewarded)).not.toBe(occurrenceKey('wallet.credited', credited));
  });

  it('fall back to the content window, with a reason, when the key field is unusable', () => {
    const credited = fixture('documented', 'wallet.credited.json') as {
      metadata: { wallet: Record<string, unknown> };
    };
    const reasons = [undefined, null, '', '  ', 'NA', 42, ['trhi_1'], { id: 'trhi_1' }].map((id) => {
      const body = structuredClone(credited);
      if (id === undefined) delete body.metadata.wallet.transaction_id;
      else body.metadata.wallet.transaction_id = id;
      const identity = identifyBody(body);
      expect(identity.by).toBe('content');
      return identity.by === 'content' ? identity.reason : null;
    });
    expect(reasons).toEqual([
      'metadata.wallet.transaction_id is missing, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is null, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is empty, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is "NA", so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is not a string but a number, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is not a string but an array, so wallet.credited is deduplicated by content',
      'metadata.wallet.transaction_id is not a string but an object, so wallet.credited is deduplicated by content',
    ]);
    const lossless = parseLosslessJson(
      '{"event_name":"wallet.debited","metadata":{"wallet":{"transaction_id":1e30}}}',
    );
    expect(identifyBody(lossless)).toEqual({
      by: 'content',
      reason:
        'metadata.wallet.transaction_id is not a string but a number, so wallet.debited is deduplicated by content',
    });
  });

  it('leave bodies without an occurrence id, unknown names and non-objects to the window, without a reason', () => {
    for (const file of ['order_success.json', 'customer.created.json']) {
      expect(identifyBody(fixture('documented', file))).toEqual({ by: 'content', reason: null });
    }
    expect(identifyBody({ event_name: 'order.refunded', metadata: { id: 'x' } })).toEqual({
      by: 'content',
      reason: null,
    });
    expect(identifyBody({ event_name: 7 })).toEqual({ by: 'content', reason: null });
    expect(identifyOccurrence('wallet.credited', 'not a body').by).toBe('content');
  });

  it('never let a webhook claim the key of an internal event', () => {
    const forged = { event_name: 'mirror.reward.fulfilled', metadata: { redemption_id: 'redm_1' } };
    expect(identifyBody(forged)).toEqual({ by: 'content', reason: null });
  });

  it('give every fixture of a type that declares a key its key', () => {
    for (const { file, body } of loadFixtures()) {
      const name = canonicalEventName(body.event_name as string);
      if (name === null) throw new Error(`fixture ${file} of an unknown type`);
      const identity = identifyBody(body);
      const declared = OCCURRENCE_KEYS[name].fields !== null;
      expect({ file, by: identity.by }).toEqual({ file, by: declared ? 'occurrence' : 'content' });
    }
  });
});

describe('docs/delivery-identity.md', () => {
  const doc = readFileSync(path.resolve(__dirname, '../../../docs/delivery-identity.md'), 'utf8');

  it('has a row for each of the catalog types, saying its key fields as declared', () => {
    const rows = new Map(
      doc
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .map((line) => line.split('|').map((cell) => cell.trim()))
        .map((cells) => [cells[1]?.replaceAll('`', ''), cells[2]] as const),
    );
    expect([...rows.keys()].sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) {
      const { fields } = OCCURRENCE_KEYS[name];
      const expected =
        fields === null ? 'content window' : fields.map((f) => `\`${f.join('.')}\``).join(' + ');
      expect({ name, key: rows.get(name) }).toEqual({ name, key: expected });
    }
  });
});
