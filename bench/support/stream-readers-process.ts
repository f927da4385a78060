// The stream bench's readers' process (see ./stream-readers): opens the streams it is asked to,
// notes each event's arrival on the machine's monotonic clock, and measures commit to arrival
// against the commit times the load generator sends.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { percentile } from './process-cpu';
import { monotonicMs, type ReadersReply, type ReadersRequest, type StreamLatencies } from './stream-readers';

const KEY_MARK = '"idempotencyKey":"';
/** A JSON string literal (keys may hold quotes, escaped), matched where the key's value starts. */
const KEY_STRING = /"(?:[^"\\]|\\.)*"/y;

/** One raw stream reader: the arrival time of each event, by idempotency key. */
interface Reader {
  arrivals: Map<string, number>;
  close(): void;
}

/**
 * Opens `/v1/stream?after=` and notes when each event's frame is complete. It scans for the key
 * rather than parsing each event's JSON: a client that keeps up, not a JSON benchmark.
 */
function openReader(port: number, token: string, after: string | undefined): Promise<Reader> {
  const arrivals = new Map<string, number>();
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: `/v1/stream${after === undefined ? '' : `?after=${after}`}`,
      headers: { authorization: `Bearer ${token}` },
    });
    req.once('error', reject);
    req.once('response', (res: IncomingMessage) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream answered ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        const at = monotonicMs();
        pending += chunk;
        let end: number;
        let from = 0;
        while ((end = pending.indexOf('\n\n', from)) >= 0) {
          const mark = pending.indexOf(KEY_MARK, from);
          if (mark >= 0 && mark < end) {
            KEY_STRING.lastIndex = mark + KEY_MARK.length - 1;
            const literal = KEY_STRING.exec(pending)?.[0];
            if (literal !== undefined) arrivals.set(JSON.parse(literal) as string, at);
          }
          from = end + 2;
        }
        pending = pending.slice(from);
      });
      res.on('error', () => {});
      resolve({ arrivals, close: () => req.destroy() });
    });
    req.end();
  });
}

async function measure(
  readers: readonly Reader[],
  commits: readonly [string, number][],
  patienceMs: number,
): Promise<StreamLatencies> {
  const deadline = monotonicMs() + patienceMs;
  const arrivedEverywhere = () =>
    readers.every((reader) => commits.every(([key]) => reader.arrivals.has(key)));
  while (monotonicMs() < deadline && !arrivedEverywhere())
    await new Promise((resolve) => setTimeout(resolve, 100));
  const latencies: number[] = [];
  let missing = 0;
  for (const reader of readers) {
    for (const [key, committed] of commits) {
      const arrived = reader.arrivals.get(key);
      if (arrived === undefined) missing++;
      // An event can arrive before the load generator has run its commit's callback: that is 0.
      else latencies.push(Math.max(0, arrived - committed));
    }
  }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: percentile(latencies, 100),
    missing,
  };
}

function serveReaders(): void {
  let readers: Reader[] = [];
  const reply = (message: ReadersReply) => process.send?.(message);
  const closeAll = () => {
    for (const reader of readers) reader.close();
    readers = [];
  };
  process.on('message', (request: ReadersRequest) => {
    void (async () => {
      try {
        switch (request.type) {
          case 'open':
            closeAll();
            readers = await Promise.all(
              Array.from({ length: request.clients }, () =>
                openReader(request.port, request.token, request.after),
              ),
            );
            reply({ type: 'opened' });
            return;
          case 'measure':
            reply({ type: 'measured', ...(await measure(readers, request.commits, request.patienceMs)) });
            return;
          case 'close':
            closeAll();
            process.disconnect();
            return;
        }
      } catch (error) {
        reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
}

serveReaders();
