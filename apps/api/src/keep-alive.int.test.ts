import { freePort } from '../../../test/support/free-ports';
import { startAppProcess, waitUntilServing, type AppProcess } from '../../../test/support/app-process';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { KEEP_ALIVE_TIMEOUT_MS } from './http-server';
import { queuePrefixFor } from '../../../test/support/scenario';
import { TEST_TOKEN } from '../../../test/support/test-api';

// The API runs in a process of its own, as in production: the client's stall below must not
// stall the server's timers too.
let db: TestDatabase;
let api: AppProcess;
let url: string;
const headers = { authorization: `Bearer ${TEST_TOKEN}` };

beforeAll(async () => {
  db = await createTestDatabase();
  const port = await freePort();
  api = startAppProcess('api', {
    DATABASE_URL: db.url,
    API_PORT: String(port),
    API_TOKEN: TEST_TOKEN,
    QUEUE_PREFIX: queuePrefixFor(__filename),
  });
  url = `http://127.0.0.1:${port}`;
  await waitUntilServing(`${url}/healthz`, api);
});

afterAll(async () => {
  api?.kill('SIGTERM');
  await api?.exited;
  await db?.drop();
});

/** Blocks this process's event loop, as a busy client does: its timers cannot run meanwhile. */
function stallEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('keep-alive connections', () => {
  it('advertise an idle timeout well above what clients assume', async () => {
    const res = await fetch(`${url}/v1/segments`, { headers });
    await res.text();
    expect(res.headers.get('keep-alive')).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('stay open for a poller (undici fetch, every 200 ms) whose event loop stalls for 6 s between two polls', async () => {
    // With Node's default 5 s the server closed the socket during the stall, the client (whose
    // own expiry timer could not run) reused it, and the poll failed with
    // `SocketError: other side closed`.
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${url}/v1/segments`, { headers });
      expect(res.status).toBe(200);
      await res.text();
      // Deliberate: the poller's own pace, so that its connection is reused as in the report.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stallEventLoop(6_000);
    const res = await fetch(`${url}/v1/segments`, { headers });
    expect(res.status).toBe(200);
    await res.text();
  });
});
