import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rateLimited } from './rate-limit';

let server: Server;
let url: string;
let clock = 0;

beforeEach(async () => {
  clock = 1_000_000;
  const listener = rateLimited((_req, res) => res.end('ok'), {
    limit: 3,
    windowMs: 60_000,
    now: () => clock,
  });
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the API rate limit', () => {
  it('answers 429 with Retry-After and a problem+json body beyond the limit in a window', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/v1/segments`)).status).toBe(200);
    clock += 45_000;
    const refused = await fetch(`${url}/v1/segments`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers.get('retry-after')).toBe('15');
    expect(await refused.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
  });

  it('serves the client again in the next window', async () => {
    for (let i = 0; i < 4; i++) await fetch(`${url}/v1/segments`);
    clock += 60_000;
    expect((await fetch(`${url}/v1/segments`)).status).toBe(200);
  });

  it('never limits the health probes', async () => {
    for (let i = 0; i < 4; i++) await fetch(`${url}/v1/segments`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz?x=1`)).status).toBe(200);
  });
});
