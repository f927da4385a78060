import fc from 'fast-check';
import { canonicalJson, writeCanonicalJson } from './canonical-json';

/** The obvious recursive definition, to check both ways of writing the text against. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${reference(record[k])}`)
    .join(',')}}`;
}

/** The same object with its keys inserted in reverse order, at every level. */
function reverseKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reverseKeys);
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .reverse()
      .map((k) => [k, reverseKeys(record[k])]),
  );
}

const json = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('canonicalJson', () => {
  it('sorts keys at every level and drops whitespace', () => {
    const body = JSON.parse('{ "b": 1, "a": { "d": [ { "z": true, "y": null } ], "c": "x" } }') as unknown;
    expect(canonicalJson(body)).toBe('{"a":{"c":"x","d":[{"y":null,"z":true}]},"b":1}');
  });

  it('agrees with the recursive definition for every JSON value', () => {
    fc.assert(fc.property(json, (value) => canonicalJson(value) === reference(value)));
  });

  it('writes the same text by either way (sorted copy, or the writer with its own stack)', () => {
    fc.assert(fc.property(json, (value) => writeCanonicalJson(value) === reference(value)));
  });

  it('sorts keys that look like array indices as strings, not numbers', () => {
    const body = JSON.parse('{"b":{"9":1,"10":2,"x":3},"a":[{"07":1,"7":2}]}') as unknown;
    const canonical = '{"a":[{"07":1,"7":2}],"b":{"10":2,"9":1,"x":3}}';
    expect(canonicalJson(body)).toBe(canonical);
    expect(writeCanonicalJson(body)).toBe(canonical);
  });

  it('writes the same text on either side of the depth where the sorted copy stops', () => {
    for (const depth of [62, 63, 64, 65, 100]) {
      const text = `${'{"b":1,"a":'.repeat(depth)}[]${'}'.repeat(depth)}`;
      const body = JSON.parse(text) as unknown;
      expect(canonicalJson(body)).toBe(reference(body));
    }
  });

  it('does not depend on the order in which keys were written', () => {
    fc.assert(fc.property(json, (value) => canonicalJson(reverseKeys(value)) === canonicalJson(value)));
  });

  it('is JSON that parses back to the same value', () => {
    fc.assert(fc.property(json, (value) => expect(JSON.parse(canonicalJson(value))).toEqual(value)));
  });

  it('orders keys by UTF-16 code units and keeps unicode and escapes as JSON.stringify writes them', () => {
    const body = JSON.parse('{"é":1,"z":2,"Z":3,"\\u20ac":4,"😀":5,"line\\nbreak":"\\u2028"}') as unknown;
    expect(canonicalJson(body)).toBe('{"Z":3,"line\\nbreak":"\u2028","z":2,"é":1,"€":4,"😀":5}');
  });

  it('escapes lone surrogates and control characters alike either way', () => {
    const body = JSON.parse('{"\\ud800":"\\udc00x","b":"\\u0000"}') as unknown;
    const canonical = '{"b":"\\u0000","\\ud800":"\\udc00x"}';
    expect(canonicalJson(body)).toBe(canonical);
    expect(writeCanonicalJson(body)).toBe(canonical);
  });

  it('writes numbers the way RFC 8785 does', () => {
    expect(
      canonicalJson(JSON.parse('[1.0, 1e2, -0, 0.000001, 1e-7, 123456789012345678901]') as unknown),
    ).toBe('[1,100,0,0.000001,1e-7,123456789012345680000]');
  });

  it('handles nesting far deeper than the call stack allows', () => {
    const depth = 200_000;
    const body = JSON.parse(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`) as unknown;
    expect(canonicalJson(body)).toHaveLength(6 + 2 * depth);
  });

  it('keeps a "__proto__" key as an ordinary key', () => {
    expect(canonicalJson(JSON.parse('{"b":1,"__proto__":{"x":1}}') as unknown)).toBe(
      '{"__proto__":{"x":1},"b":1}',
    );
  });
});
