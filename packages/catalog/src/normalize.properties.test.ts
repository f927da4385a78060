import fc from 'fast-check';

import { EVENT_NAMES, type NormalizeResult } from './events';
import { normalize } from './normalize';
import { requiresSourceId } from './requires-source-id';
import { loadFixtures } from './test-fixtures';

const fixtures = loadFixtures();

/** Every key path in a JSON value: `['metadata', 'wallet', 'points']`, ... */
function keyPaths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  const paths: string[][] = [];
  for (const [key, item] of Object.entries(value)) {
    const path = [...prefix, key];
    paths.push(path, ...keyPaths(item, path));
  }
  return paths;
}

function replaceAt(
  body: Record<string, unknown>,
  path: string[],
  replacement: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  let target: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1] ?? ''] = replacement;
  return copy;
}

/** Walk a result: numbers must be finite and dates valid, wherever they are. */
function assertSound(value: unknown): void {
  if (typeof value === 'number') expect(Number.isFinite(value)).toBe(true);
  else if (value instanceof Date) expect(Number.isNaN(value.getTime())).toBe(false);
  else if (typeof value === 'object' && value !== null)
    for (const item of Object.values(value)) assertSound(item);
}

/** What every result must be, whatever the body. */
function assertWellFormed(result: NormalizeResult): void {
  expect(['recognized', 'unrecognized', 'invalid']).toContain(result.outcome);
  if (result.outcome === 'recognized') {
    const { event } = result;
    expect(EVENT_NAMES).toContain(event.name);
    expect(typeof event.rawName).toBe('string');
    expect(typeof event.sourceId).toBe('string');
    if (requiresSourceId(event.name)) expect(event.sourceId).not.toBe('');
    if ('wallet' in event.data && event.data.wallet !== null) {
      expect(event.data.wallet.points).toBeGreaterThanOrEqual(0);
      expect(event.data.wallet.transactionId).not.toBe('');
    }
    assertSound(event);
  } else {
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeGreaterThan(0);
    // The last-resort catch must not be what keeps normalize from throwing.
    expect(result.reason).not.toMatch(/^the catalog failed/);
    expect(typeof result.sourceId).toBe('string');
  }
}

/** Raw names normalize knows, spelled as they may arrive. */
const knownRawNames = fc.constantFrom(
  ...EVENT_NAMES,
  'customer.referral.successfull.advocate',
  'customer.referral.successfull.friend',
  ' Wallet.Debited ',
);

/** Field names that appear in Rehook payloads, in several spellings. */
const fieldNames = fc.constantFrom(
  ...keyPaths(fixtures.map((f) => f.body)).flatMap((path) => path.slice(-1)),
  'TransactionID',
  'customerId',
  'redemptionId',
  'StartDate',
  '__proto__',
  'constructor',
);

describe('normalize on arbitrary input', () => {
  it('never throws and always returns one of the three outcomes for any value', () => {
    const anything = fc.anything({
      withBigInt: true,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withTypedArray: true,
    });
    fc.assert(
      fc.property(anything, (body) => assertWellFormed(normalize(body))),
      { numRuns: 2000 },
    );
  });

  it('never throws for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => assertWellFormed(normalize(body))),
      { numRuns: 2000 },
    );
  });

  it('never throws for a known event name over arbitrary metadata with Rehook field names', () => {
    const metadata = fc.dictionary(
      fieldNames,
      fc.oneof(fc.jsonValue(), fc.dictionary(fieldNames, fc.jsonValue())),
    );
    const body = fc.record({
      event_name: knownRawNames,
      source_id: fc.oneof(fc.constant(''), fc.string(), fc.integer(), fc.jsonValue()),
      metadata,
    });
    fc.assert(
      fc.property(body, fc.constantFrom<'webhook' | 'mirror'>('webhook', 'mirror'), (b, origin) =>
        assertWellFormed(normalize(b, { origin })),
      ),
      { numRuns: 3000 },
    );
  });

  it('never throws, and never changes the body, when a fixture field is replaced by a random JSON value', () => {
    const cases = fixtures.flatMap((f) => keyPaths(f.body).map((path) => ({ body: f.body, path })));
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.jsonValue(), ({ body, path }, replacement) => {
        const changed = replaceAt(body, path, replacement);
        const before = JSON.stringify(changed);
        assertWellFormed(normalize(changed));
        expect(JSON.stringify(changed)).toBe(before);
      }),
      { numRuns: 3000 },
    );
  });

  it('never throws when a fixture is sent under another known event name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), knownRawNames, (f, name) =>
        assertWellFormed(normalize({ ...f.body, event_name: name }, { origin: 'mirror' })),
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a fixture the same whatever the casing of its keys', () => {
    const recase = (key: string, style: number): string => {
      const words = key.split('_');
      if (style === 0) return words.map((w) => w.toUpperCase()).join('_');
      if (style === 1)
        return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
      return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
    };
    const recaseAll = (value: unknown, style: number): unknown => {
      if (Array.isArray(value)) return value;
      if (typeof value !== 'object' || value === null) return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [recase(k, style), recaseAll(v, style)]),
      );
    };
    // Properties and coupon details keep their keys as sent, so compare the rest.
    const casingFree = fixtures.filter(
      (f) =>
        ![
          'signup.json',
          'customer.updated.json',
          'customer.meta.updated.json',
          'coupon.created.json',
        ].includes(f.file),
    );
    fc.assert(
      fc.property(fc.constantFrom(...casingFree), fc.integer({ min: 0, max: 2 }), (f, style) => {
        expect(normalize(recaseAll(f.body, style))).toEqual(normalize(f.body));
      }),
      { numRuns: 200 },
    );
  });
});

describe('normalize when reading the body itself throws', () => {
  it('reports the body as invalid instead of throwing', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
      },
    );
    expect(normalize(hostile)).toEqual({
      outcome: 'invalid',
      name: null,
      rawName: null,
      sourceId: '',
      reason: 'the catalog failed to read this body (no keys for you)',
    });
  });

  it('keeps what it had read when a later field throws', () => {
    const metadata = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('metadata exploded');
        },
      },
    );
    expect(normalize({ event_name: 'order_success', source_id: 'KMN@123', metadata })).toEqual({
      outcome: 'invalid',
      name: 'order_success',
      rawName: 'order_success',
      sourceId: 'KMN@123',
      reason: 'the catalog failed to read this body (metadata exploded)',
    });
  });
});

describe('normalize and prototype pollution', () => {
  afterEach(() => {
    // Clean up in case a test failed, so one failure cannot cascade.
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it('never pollutes Object.prototype through __proto__, constructor or prototype keys', () => {
    const payload = '{"polluted": true}';
    const nasty = `"__proto__": ${payload}, "constructor": {"prototype": ${payload}}, "prototype": ${payload}`;
    for (const name of [...EVENT_NAMES, 'unknown.event']) {
      const body: unknown = JSON.parse(
        `{${nasty}, "event_name": "${name}", "source_id": "KMN@123", "metadata": {${nasty},
          "CustomerID": "cust_1", "properties": {${nasty}, "tier": "gold"},
          "coupon": {${nasty}, "code": "C1"}, "wallet": {${nasty}, "transaction_id": "t", "points": 1},
          "reward": {${nasty}, "redemption_id": "r"}, "nested": {"deeper": {${nasty}}}}}`,
      );
      const result = normalize(body, { origin: 'mirror' });
      assertWellFormed(result);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      if (result.outcome === 'recognized' && 'properties' in result.event.data) {
        const { properties } = result.event.data;
        expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
        expect(Object.keys(properties)).not.toContain('__proto__');
        expect(Object.keys(properties)).not.toContain('constructor');
        expect(JSON.stringify(properties)).not.toContain('polluted');
      }
    }
  });

  it('does not read event fields inherited through a prototype', () => {
    const body: unknown = Object.create({ event_name: 'signup', source_id: 'KMN@123' });
    expect(normalize(body)).toMatchObject({ outcome: 'invalid', reason: 'event_name is missing' });
  });
});
