// The request-head limit and the documented parameter bounds agree: the largest request the
// OpenAPI document allows (every parameter at its maxLength, each character at its longest
// percent-encoding) fits in the head with room for ordinary headers, and a larger head is a
// 431 problem document, not a bare status line.
import { connect } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { queuePrefixFor } from '../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../test/support/test-api';
import { MAX_HEADER_BYTES } from './http-server';

/** Room left for the headers a client sends besides the request line (host, auth, agent...). */
const ROOM_FOR_HEADERS = 8 * 1024;
/** A UTF-16 code unit's longest percent-encoding: a BMP character of 3 UTF-8 bytes, `%E2%82%AC`. */
const ENCODED_PER_UNIT = 9;
/** Bound of a parameter whose schema has a pattern or enum but no maxLength (instants, positions, limits). */
const PATTERN_BOUND = 64;

let db: TestDatabase;
let api: TestApi;

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api.close();
  await db.drop();
});

interface Schema {
  maxLength?: number;
  maxItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  pattern?: string;
  enum?: unknown[];
  format?: string;
  allOf?: Schema[];
}

/** Longest encoded value of one parameter's schema, and how many times it may repeat. */
function longest(schema: Schema): { length: number; times: number } {
  if (schema.anyOf !== undefined) {
    const options = schema.anyOf.map(longest);
    return options.reduce((a, b) => (a.length * a.times >= b.length * b.times ? a : b));
  }
  if (schema.items !== undefined)
    return { length: longest(schema.items).length, times: schema.maxItems ?? Infinity };
  if (schema.maxLength !== undefined) {
    // Base64url cursors are sent as they are; anything else may need percent-encoding.
    const plain = schema.pattern === '^[A-Za-z0-9_-]+$';
    return { length: schema.maxLength * (plain ? 1 : ENCODED_PER_UNIT), times: 1 };
  }
  if (
    schema.pattern !== undefined ||
    schema.enum !== undefined ||
    schema.allOf !== undefined ||
    schema.format
  ) {
    return { length: PATTERN_BOUND, times: 1 };
  }
  return { length: Infinity, times: 1 };
}

/** The request line of the largest request an operation documents. */
function largestRequestLine(
  path: string,
  method: string,
  parameters: { name: string; in: string; schema: Schema }[],
): number {
  let length = `${method.toUpperCase()} `.length + path.length + ' HTTP/1.1\r\n'.length;
  for (const p of parameters) {
    const { length: value, times } = longest(p.schema);
    if (p.in === 'path') length += value - `{${p.name}}`.length;
    if (p.in === 'query') length += times * (p.name.length + 2 + value);
    if (p.in === 'header') length += p.name.length + 4 + value;
  }
  return length;
}

describe('the request-head limit', () => {
  it('holds the largest documented request of every operation, with room for headers', () => {
    const sizes: [string, number][] = [];
    for (const [path, item] of Object.entries(api.openApi.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, { parameters?: never[] }>)) {
        sizes.push([`${method} ${path}`, largestRequestLine(path, method, op.parameters ?? [])]);
      }
    }
    expect(sizes.length).toBeGreaterThan(20);
    const tooLarge = sizes.filter(([, size]) => size > MAX_HEADER_BYTES - ROOM_FOR_HEADERS);
    expect(tooLarge).toEqual([]);
  });

  it('answers such a request (1,024 three-byte characters in each of two filters)', async () => {
    const value = encodeURIComponent('€'.repeat(1024));
    const res = await api.fetch(`/v1/events?name=${value}&sourceId=${value}`, {
      headers: { authorization: `Bearer ${TEST_TOKEN}` },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a larger head with a 431 problem document', async () => {
    const { hostname, port } = new URL(api.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`GET /v1/events?name=${'a'.repeat(MAX_HEADER_BYTES)} HTTP/1.1\r\nHost: x\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(JSON.parse(body ?? '')).toEqual({
      type: 'about:blank',
      title: 'Request Header Fields Too Large',
      status: 431,
      detail: expect.stringContaining('larger than this server accepts') as unknown,
    });
  });
});
