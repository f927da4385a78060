import { request } from 'node:http';
import type { ClientRequest } from 'node:http';
import { createRedisConnection, createWebhookQueue } from '@mirror/queue';
import { post, readAnswer, startTestIngest, TEST_REDIS_URL } from '../../../test/support/ingest-harness';
import type { Answer, TestIngest } from '../../../test/support/ingest-harness';
import { waitFor } from '../../../test/support/wait-for';

describe('graceful shutdown', () => {
  let t: TestIngest;
  afterEach(async () => t.stop());

  it('finishes every request in flight, so none of them is lost, and then refuses connections', async () => {
    t = await startTestIngest();
    const N = 25;
    const requests: { req: ClientRequest; rest: string; answer: Promise<Answer> }[] = [];
    for (let i = 0; i < N; i++) {
      const body = JSON.stringify({ event_name: 'order_success', source_id: `c${i}`, metadata: { n: i } });
      const half = Math.floor(body.length / 2);
      const req = request(t.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        agent: false,
      });
      const answer = new Promise<Answer>((resolve, reject) => {
        req.on('response', (res) => void readAnswer(res).then(resolve, reject));
        req.on('error', reject);
      });
      // Half a body: the ingest has the request but cannot answer it yet.
      req.write(body.slice(0, half));
      requests.push({ req, rest: body.slice(half), answer });
    }
    await waitFor(() => t.ingest.inFlight() === N, { what: `${N} requests in flight` });

    const stopped = t.ingest.shutdown('test');
    // No new connections once shutdown has begun.
    await expect(post(t.webhookUrl, '{"late":true}')).rejects.toThrow(/ECONNREFUSED/);

    for (const { req, rest } of requests) req.end(rest);
    const answers = await Promise.all(requests.map((r) => r.answer));
    await stopped;

    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    // Each answer tells a keep-alive sender to go elsewhere.
    expect(answers.every((a) => a.headers['connection'] === 'close')).toBe(true);
    const redis = createRedisConnection(TEST_REDIS_URL, { role: 'consumer' });
    const queue = createWebhookQueue(redis, { prefix: t.prefix });
    try {
      expect(await queue.queue.getJobCounts('wait')).toEqual({ wait: N });
    } finally {
      await queue.close();
      await redis.quit();
    }
  });
});
