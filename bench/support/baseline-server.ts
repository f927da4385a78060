// The floor for "handed to Redis": a bare node:http server that reads the body, parses the
// JSON and does one LPUSH per request. Nothing else: no auth, no limit, no metrics, no logs.
// BASELINE_AUTOPIPELINING=1 gives its Redis client the ingest's auto-pipelining; otherwise it
// sends each command in its own write, as a client with default options does.
// Listens on 127.0.0.1:$PORT once Redis is ready.
import { createServer } from 'node:http';
import { createRedisConnection } from '../../packages/queue/src/redis-connection';

const redis = createRedisConnection(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
  role: 'producer',
  autoPipelining: process.env['BASELINE_AUTOPIPELINING'] === '1',
});
const key = `${process.env['QUEUE_PREFIX'] ?? 'bench'}:baseline`;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      JSON.parse(raw);
    } catch {
      res.writeHead(400).end();
      return;
    }
    redis.lpush(key, raw).then(
      () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      },
      () => res.writeHead(503).end(),
    );
  });
});

redis.once('ready', () => {
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
});

process.on('SIGTERM', () => {
  server.close();
  void redis.quit().finally(() => process.exit(0));
});
