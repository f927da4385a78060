// A known path asked with a method it does not serve answers 405 with Allow (a problem
// document), OPTIONS answers 204 with the same Allow, and an unknown path stays a 404.
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database';
import { queuePrefixFor } from '../../../../test/support/scenario';
import { startTestApi, TEST_TOKEN, type TestApi } from '../../../../test/support/test-api';

let db: TestDatabase;
let api: TestApi;
const bearer = { authorization: `Bearer ${TEST_TOKEN}` };

beforeAll(async () => {
  db = await createTestDatabase();
  api = await startTestApi(db.prisma, { queuePrefix: queuePrefixFor(__filename) });
});

afterAll(async () => {
  await api.close();
  await db.drop();
});

/** A concrete URL path for an OpenAPI path template. */
const concrete = (template: string) => template.replace(/\{[^}]+\}/g, 'KMN@1');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

describe('methods a path does not serve', () => {
  it('answers 405 with Allow naming exactly the documented methods, on every documented path', async () => {
    const paths = Object.entries(api.openApi.paths);
    expect(paths.length).toBeGreaterThan(20);
    for (const [template, item] of paths) {
      const documented = METHODS.filter((m) => m in (item as object));
      const allow = [
        ...documented.map((m) => m.toUpperCase()),
        ...(documented.includes('get') ? ['HEAD'] : []),
        'OPTIONS',
      ];
      for (const method of METHODS.filter((m) => !documented.includes(m))) {
        const res = await api.fetch(concrete(template), { method: method.toUpperCase(), headers: bearer });
        expect([template, method, res.status]).toEqual([template, method, 405]);
        expect(res.headers.get('allow')?.split(', ').sort()).toEqual([...allow].sort());
        expect(res.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(await res.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
      }
      const options = await api.fetch(concrete(template), { method: 'OPTIONS', headers: bearer });
      expect([template, options.status]).toEqual([template, 204]);
      expect(options.headers.get('allow')?.split(', ').sort()).toEqual([...allow].sort());
    }
  });

  it('does the same for the stream, the document, the docs and the metrics', async () => {
    for (const path of ['/v1/stream', '/openapi.json', '/docs/', '/docs/openapi.json', '/metrics']) {
      const res = await api.fetch(path, { method: 'DELETE', headers: bearer });
      expect([path, res.status, res.headers.get('allow')]).toEqual([path, 405, 'GET, HEAD, OPTIONS']);
    }
  });

  it('asks for the token first on a path behind it, and keeps 404 for unknown paths', async () => {
    expect((await api.fetch('/v1/customers/KMN@1', { method: 'DELETE' })).status).toBe(401);
    expect((await api.fetch('/v1/no-such-thing', { method: 'DELETE', headers: bearer })).status).toBe(404);
  });
});
