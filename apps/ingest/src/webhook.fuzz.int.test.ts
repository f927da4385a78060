import fc from 'fast-check';
import { basic, get, post, startTestIngest, type TestIngest } from '../../../test/support/ingest-harness';

let ingest: TestIngest;
const headers = { authorization: basic('rehook', 'fuzz-secret') };

beforeAll(async () => {
  ingest = await startTestIngest({
    WEBHOOK_BASIC_AUTH: 'rehook:fuzz-secret',
    WEBHOOK_MAX_BODY_BYTES: '65536',
  });
});

afterAll(async () => {
  await ingest.stop();
});

/** 200 (stored, perhaps as invalid later) or a 4xx: never a 5xx, whatever the body. */
const acceptable = (status: number) => status === 200 || (status >= 400 && status < 500);

const protoKeys = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '');
const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', 'e\u0301', 'x'.repeat(30_000)),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    oddStrings,
    fc.dictionary(fc.oneof(protoKeys, fc.string()), tie('node'), { maxKeys: 5 }),
    fc.array(tie('node'), { maxLength: 4 }),
  ),
})).node;

describe('the ingest on fuzzed input', () => {
  it('answers 200 or 4xx to any JSON value, prototype keys and odd Unicode included', async () => {
    await fc.assert(
      fc.asyncProperty(jsonish, async (value) => {
        const answer = await post(ingest.webhookUrl, JSON.stringify(value) ?? 'undefined', headers);
        expect(acceptable(answer.status)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('answers 200 or 4xx to any bytes, under any content type', async () => {
    const contentType = fc.constantFrom(
      'application/json',
      'text/plain',
      '',
      'application/json; charset=latin1',
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), contentType, async (bytes, type) => {
        const answer = await post(ingest.webhookUrl, Buffer.from(bytes), {
          ...headers,
          'content-type': type,
        });
        expect(acceptable(answer.status)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('answers 200 or 4xx to numbers and nesting that JSON.parse and hashing find hard', async () => {
    const bodies = [
      '{"a": 1e999999, "b": -1e400, "c": 123456789012345678901234567890, "d": 5e-400}',
      `{"a": ${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
      `{"a": ${'{"b":'.repeat(6_000)}1${'}'.repeat(6_000)}}`,
      '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}',
      '{"a": "\\ud800", "source_id": "\\u0000"}',
      '{"a": 1, "a": 2}',
      '\ufeff{"a": 1}',
      '{"a": 1} {"b": 2}',
    ];
    for (const body of bodies) {
      const answer = await post(ingest.webhookUrl, body, headers);
      expect({ body: body.slice(0, 40), ok: acceptable(answer.status) }).toEqual({
        body: body.slice(0, 40),
        ok: true,
      });
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((await get(`${ingest.url}/healthz`)).status).toBe(200);
  });
});
