import { connect, type Socket } from 'node:net';
import { startTestIngest, type TestIngest } from '../../../test/support/ingest-harness';
import { waitFor } from '../../../test/support/wait-for';

let ingest: TestIngest | undefined;

afterEach(async () => {
  await ingest?.stop();
  ingest = undefined;
});

/** Opens a raw TCP connection to the ingest and collects what it answers until it closes. */
function rawConnection(url: string): { socket: Socket; closed: Promise<string>; received: () => string } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(text)));
  return { socket, closed, received: () => text };
}

function head(url: string, extra: string): string {
  const { host } = new URL(url);
  return `POST /webhooks/rehook HTTP/1.1\r\nHost: ${host}\r\ncontent-type: application/json\r\n${extra}`;
}

describe('the ingest under resource limits', () => {
  it('answers 431 to a request head larger than INGEST_MAX_HEADER_BYTES', async () => {
    ingest = await startTestIngest({ INGEST_MAX_HEADER_BYTES: '2048' });
    const { socket, closed } = rawConnection(ingest.url);
    socket.write(head(ingest.url, `x-padding: ${'a'.repeat(4096)}\r\ncontent-length: 2\r\n\r\n{}`));
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('Content-Type: application/problem+json; charset=utf-8');
    expect(answer).toContain('"status":431');
  });

  it('answers 408 and closes when a body does not arrive within INGEST_REQUEST_TIMEOUT_MS', async () => {
    ingest = await startTestIngest({ INGEST_REQUEST_TIMEOUT_MS: '1000', INGEST_HEADERS_TIMEOUT_MS: '1000' });
    const { socket, closed } = rawConnection(ingest.url);
    const started = Date.now();
    // Promises 100 bytes, sends 2, then goes quiet.
    socket.write(head(ingest.url, 'content-length: 100\r\n\r\n{"'));
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"status":408');
    // 1 s, not the 30 s Node would take by default to check the timeout; the rest is slack.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await ingest.queue.count()).toBe(0);
  });

  it('closes an idle keep-alive connection after INGEST_KEEP_ALIVE_TIMEOUT_MS', async () => {
    ingest = await startTestIngest({ INGEST_KEEP_ALIVE_TIMEOUT_MS: '300' });
    const { socket, closed } = rawConnection(ingest.url);
    const started = Date.now();
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(await closed).toMatch(/^HTTP\/1\.1 200 /);
    // 300 ms plus slack, yet below the 5 s default that an ignored setting would give.
    expect(Date.now() - started).toBeLessThan(4_000);
  });

  it('refuses connections beyond INGEST_MAX_CONNECTIONS, and serves again once they close', async () => {
    ingest = await startTestIngest({ INGEST_MAX_CONNECTIONS: '3' });
    const held = Array.from({ length: 3 }, () => rawConnection(ingest?.url ?? ''));
    // A request answered on each proves the server has counted it.
    for (const { socket } of held) socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await waitFor(() => held.every(({ received }) => received().startsWith('HTTP/1.1 200 ')), {
      what: 'an answer on each of the 3 connections',
    });
    const extra = rawConnection(ingest.url);
    expect(await extra.closed).toBe('');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    // The server may take a moment to see them closed; it must then serve again.
    const url = ingest.url;
    await waitFor(async () => (await fetch(`${url}/healthz`)).status === 200, {
      what: 'the ingest to serve again',
    });
  });
});
