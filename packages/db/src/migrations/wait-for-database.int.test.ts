import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '../../../../test/support/free-ports';
import { databaseUrl } from '../../../../test/support/postgres';
import { waitForDatabase } from './wait-for-database';

/** The test Postgres's host and port, which a late proxy forwards to. */
const target = new URL(databaseUrl('postgres'));

/** A TCP proxy to the test Postgres on `port`: a real server that starts listening late. */
interface Proxy {
  server: Server;
  /** Stops listening and cuts every piped connection (`server.close` alone waits for them). */
  close(): Promise<void>;
}

function startProxy(port: number): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    // A half that ends (Postgres refusing a role closes its side) takes the other with it.
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, close })));
}

function urlOnPort(port: number, user = target.username): string {
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  url.username = user;
  url.pathname = '/mirror_not_created_yet';
  return url.toString();
}

describe('waitForDatabase', () => {
  let proxy: Proxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('retries a refused connection until Postgres listens, then returns', async () => {
    const port = await freePort();
    const lines: string[] = [];
    // Deliberate: "Postgres" starts listening only after 1.5 s, so the first tries are refused.
    setTimeout(() => void startProxy(port).then((server) => (proxy = server)), 1_500);
    const started = Date.now();
    await waitForDatabase(urlOnPort(port), {
      timeoutMs: 30_000,
      retryEveryMs: 200,
      log: (l) => lines.push(l),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
  });

  it('gives up after the deadline, naming the server without its password and the last error', async () => {
    const port = await freePort();
    const url = urlOnPort(port).replace('//', '//someone:s3cret@');
    const failure = waitForDatabase(url, { timeoutMs: 1_000, retryEveryMs: 200 });
    await expect(failure).rejects.toThrow(/did not accept a connection within \d+ s .*ECONNREFUSED/);
    await expect(failure).rejects.not.toThrow(/s3cret/);
  });

  it('fails at once on an answer that no retry can change (an unknown role)', async () => {
    proxy = await startProxy(await freePort());
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const started = Date.now();
    await expect(
      waitForDatabase(urlOnPort(address.port, 'no_such_role_here'), { timeoutMs: 30_000 }),
    ).rejects.toMatchObject({ code: '28000' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
