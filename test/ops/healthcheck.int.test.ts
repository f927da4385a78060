// scripts/healthcheck.mjs is what Docker runs to probe each service: it must pass on 2xx and
// fail on anything else, including no answer at all.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';

const script = join(__dirname, '..', '..', 'scripts', 'healthcheck.mjs');

async function serve(status: number): Promise<Server> {
  const server = createServer((_req, res) => res.writeHead(status).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function probe(url: string): Promise<number | null> {
  // spawnSync would block the event loop that serves the probe.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) =>
    spawn(process.execPath, [script, url], { stdio: 'ignore' }).on('exit', resolve),
  );
}

describe('the container health check script', () => {
  let ok: Server;
  let failing: Server;
  beforeAll(async () => {
    ok = await serve(200);
    failing = await serve(503);
  });
  afterAll(() => {
    ok.close();
    failing.close();
  });

  it('exits 0 when the service answers 2xx', async () => {
    expect(await probe(`http://127.0.0.1:${(ok.address() as AddressInfo).port}/readyz`)).toBe(0);
  });

  it('exits 1 when the service answers 503', async () => {
    expect(await probe(`http://127.0.0.1:${(failing.address() as AddressInfo).port}/readyz`)).toBe(1);
  });

  it('exits 1 when nothing listens', async () => {
    const server = await serve(200);
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await probe(`http://127.0.0.1:${port}/readyz`)).toBe(1);
  });

  it('exits 2 with usage when no URL is given', () => {
    expect(spawnSync(process.execPath, [script]).status).toBe(2);
  });
});
