import fc from 'fast-check';
import { EVENT_NAMES } from '@mirror/catalog';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deliveryOf, fixtureBody, fixtureFiles } from '../../../test/support/deliveries';
import { dumpReadModels, type ReadModelDump } from '../../../test/support/read-model-dump';
import { recordEvents } from './record-events';

let db: TestDatabase;
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

const OTHERS = ['OTHER@1', 'OTHER@2'];
const FUZZED = 'FUZZ@x';

/**
 * Every row of the other customers' read models (those whose `source_id` is one of theirs), as
 * text. Rows that belong to no customer are left out: a segment, a referral (keyed by Rehook's
 * customer ids), a coupon nobody holds. A fuzzed body may name those with the others' ids, which
 * the fuzzer sends as values; that changes no customer's read model.
 */
function othersRows(dump: ReadModelDump): string[] {
  return Object.entries(dump).flatMap(([table, rows]) =>
    rows
      .filter((row) => OTHERS.includes((row as { source_id?: string }).source_id ?? ''))
      .map((row) => `${table} ${JSON.stringify(row)}`),
  );
}

/** Field names from the fixtures and the prototype keys, at any depth of a body. */
const fieldNames = fc.constantFrom(
  ...fixtureFiles().flatMap(([group, file]) => {
    const names: string[] = [];
    const walk = (value: unknown) => {
      if (typeof value !== 'object' || value === null) return;
      for (const [key, item] of Object.entries(value)) {
        names.push(key);
        walk(item);
      }
    };
    walk(fixtureBody(group, file));
    return names;
  }),
  '__proto__',
  'constructor',
  'prototype',
  'CustomerID',
);

/** Values a hostile sender would try: huge and tiny numbers, long and odd strings, wrong types. */
const hostileValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 5e-324, -0, 0, '1e999', 'NaN', 'Infinity'),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    '\u0000',
    '\ud800',
    'e\u0301',
    '\u202e',
    '\ufeff',
    'x'.repeat(20_000),
    '0001-01-01T00:00:00Z',
  ),
  fc.constantFrom(OTHERS[0], OTHERS[1]),
);

const metadata: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileValue,
    fc.dictionary(fieldNames, tie('node'), { maxKeys: 6 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;

describe('recordEvents on hostile bodies about one customer', () => {
  it('stores every body and never changes another customer’s read model', async () => {
    for (const [i, [group, file]] of fixtureFiles().entries()) {
      const body = fixtureBody(group, file);
      if (typeof body.source_id === 'string' && body.source_id !== '') {
        body.source_id = OTHERS[i % OTHERS.length];
        await recordEvents(db.prisma, [deliveryOf(body, n++)]);
      }
    }
    const before = othersRows(await dumpReadModels(db.prisma));
    expect(before.length).toBeGreaterThan(5);

    const bodies = fc.record({
      event_name: fc.oneof(
        fc.constantFrom(...EVENT_NAMES, 'customer.referral.successfull.advocate'),
        fc.string(),
      ),
      source_id: fc.constant(FUZZED),
      metadata,
    });
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        // Numbers JSON.stringify cannot write (1e999) are spliced in as text, as a sender could.
        const raw = JSON.stringify(body).replace(/"1e999"/g, '1e999');
        const [recorded] = await recordEvents(db.prisma, [deliveryOf(raw, n++)]);
        expect(recorded).toBeDefined();
      }),
      { numRuns: 300 },
    );
    for (const raw of [
      `{"event_name":"wallet.credited","source_id":"${FUZZED}","metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
      `{"event_name":"signup","source_id":"${FUZZED}","metadata":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`,
      `{"event_name":"wallet.credited","source_id":"${FUZZED}","metadata":{"wallet":{"points":1e999,"transaction_id":"t"}}}`,
    ]) {
      await expect(recordEvents(db.prisma, [deliveryOf(raw, n++)])).resolves.toHaveLength(1);
    }

    expect(othersRows(await dumpReadModels(db.prisma))).toEqual(before);
    const [stored] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM events WHERE source_id = '${FUZZED}'`,
    );
    expect(stored?.n).toBeGreaterThan(250);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  }, 120_000);
});
