import { createRedisConnection } from '@mirror/queue';
import { get, post, startTestIngest } from '../../../test/support/ingest-harness';
import type { TestIngest } from '../../../test/support/ingest-harness';
import { PrivateRedis } from '../../../test/support/private-redis';
import { waitFor } from '../../../test/support/wait-for';

const ENQUEUE_TIMEOUT_MS = 800;

describe('the ingest when Redis fails', () => {
  let redis: PrivateRedis;
  let t: TestIngest;

  afterEach(async () => {
    await t.stop();
    await redis.kill();
  });

  it('answers 503 with Retry-After while Redis is stopped, and accepts the next delivery once it is back', async () => {
    redis = await PrivateRedis.start();
    t = await startTestIngest({
      REDIS_URL: redis.url,
      INGEST_ENQUEUE_TIMEOUT_MS: String(ENQUEUE_TIMEOUT_MS),
    });
    expect((await post(t.webhookUrl, '{"n":1}')).status).toBe(200);

    await redis.kill();
    const started = Date.now();
    const refused = await post(t.webhookUrl, '{"n":2}');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.headers['content-type']).toBe('application/problem+json');
    // Fails fast rather than hanging: within the enqueue timeout (plus slack for a busy machine).
    expect(Date.now() - started).toBeLessThan(ENQUEUE_TIMEOUT_MS + 4_000);
    expect((await get(`${t.url}/readyz`)).status).toBe(503);
    expect((await get(`${t.url}/healthz`)).status).toBe(200);

    await redis.restart();
    // The ingest reconnects by itself (retry delays of at most 2 s); Rehook would retry too.
    const answer = await waitFor(
      async () => {
        const res = await post(t.webhookUrl, '{"n":2}');
        return res.status !== 503 && res;
      },
      { what: 'the ingest to accept deliveries again', intervalMs: 200 },
    );
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'enqueued' });
    // The restarted Redis is empty: the job of this delivery is the only one there.
    expect(await t.queue.getJobCounts('wait')).toEqual({ wait: 1 });
    expect((await get(`${t.url}/readyz`)).status).toBe(200);
    expect(t.logs.join('')).toContain('Redis connection back');
  });

  it('starts while Redis is down, answers 503 meanwhile, and accepts deliveries once Redis is up', async () => {
    redis = await PrivateRedis.start();
    await redis.kill();
    t = await startTestIngest({
      REDIS_URL: redis.url,
      INGEST_ENQUEUE_TIMEOUT_MS: String(ENQUEUE_TIMEOUT_MS),
    });
    const refused = await post(t.webhookUrl, '{"n":1}');
    expect(refused.status).toBe(503);
    expect((await get(`${t.url}/readyz`)).status).toBe(503);

    await redis.restart();
    const answer = await waitFor(
      async () => {
        const res = await post(t.webhookUrl, '{"n":1}');
        return res.status !== 503 && res;
      },
      { what: 'the ingest to accept deliveries once Redis is up', intervalMs: 200 },
    );
    expect(answer.status).toBe(200);
    // A try that timed out while Redis came back may have been queued too: every delivery is a
    // job of its own (redeliveries included), and all of them are the one event.
    const waiting = await t.queue.getJobs(['wait']);
    expect(waiting.length).toBeGreaterThanOrEqual(1);
    expect(new Set(waiting.map((job) => (job.data as { idempotencyKey: string }).idempotencyKey)).size).toBe(
      1,
    );
  });

  it('shuts down promptly while Redis is down', async () => {
    redis = await PrivateRedis.start();
    t = await startTestIngest({
      REDIS_URL: redis.url,
      INGEST_ENQUEUE_TIMEOUT_MS: String(ENQUEUE_TIMEOUT_MS),
    });
    expect((await post(t.webhookUrl, '{"n":1}')).status).toBe(200);
    await redis.kill();
    const started = Date.now();
    await t.ingest.shutdown('test');
    // Slack for a loaded machine, yet well below the 10 s grace a stuck enqueue would use up.
    expect(Date.now() - started).toBeLessThan(6_000);
  });

  it('answers 503 when Redis is too slow, within the enqueue timeout', async () => {
    redis = await PrivateRedis.start(['--enable-debug-command', 'local']);
    t = await startTestIngest({
      REDIS_URL: redis.url,
      INGEST_ENQUEUE_TIMEOUT_MS: String(ENQUEUE_TIMEOUT_MS),
    });
    expect((await post(t.webhookUrl, '{"n":1}')).status).toBe(200);

    // Block the server for longer than the enqueue timeout, from another connection.
    const admin = createRedisConnection(redis.url, { role: 'consumer' });
    await admin.ping();
    const sleeping = admin.call('DEBUG', 'SLEEP', '5');
    // Redis is blocked once a ping from a third connection goes unanswered.
    const probe = createRedisConnection(redis.url, { role: 'consumer' });
    await waitFor(
      () =>
        Promise.race([
          probe.ping().then(() => false),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 200)),
        ]),
      { what: 'Redis to be blocked by DEBUG SLEEP' },
    );
    const started = Date.now();
    const answer = await post(t.webhookUrl, '{"n":2}');
    const elapsed = Date.now() - started;
    expect(answer.status).toBe(503);
    expect(elapsed).toBeGreaterThanOrEqual(ENQUEUE_TIMEOUT_MS - 50);
    // Well before Redis wakes up (5 s): the ingest did not wait for it.
    expect(elapsed).toBeLessThan(ENQUEUE_TIMEOUT_MS + 3_000);
    await sleeping;
    admin.disconnect();
    probe.disconnect();
  });

  it('warns at start-up when Redis may evict keys', async () => {
    redis = await PrivateRedis.start(['--maxmemory-policy', 'allkeys-lru']);
    t = await startTestIngest({ REDIS_URL: redis.url });
    await waitFor(() => t.logs.join('').includes('maxmemory-policy'), {
      what: 'the maxmemory-policy warning',
    });
    const warning = t.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((l) => l.msg.includes('maxmemory-policy'));
    expect(warning).toMatchObject({ level: 40 });
    expect(warning?.msg).toContain('"allkeys-lru", not "noeviction"');
  });
});
