import { randomUUID } from 'node:crypto';
import { ReceiptClock } from '@mirror/delivery-identity';
import { createRedisConnection } from './redis-connection';
import type { Redis } from './redis-connection';
import { removeKeysByPrefix } from './remove-keys';
import { buildWebhookJob } from './webhook-envelope';
import { createWebhookQueue, enqueueWebhook } from './webhook-queue';
import type { WebhookQueue } from './webhook-queue';
import { WEBHOOK_JOB_OPTIONS } from './job-options';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('enqueueWebhook', () => {
  let redis: Redis;
  let target: WebhookQueue;
  let prefix: string;
  const clock = new ReceiptClock();

  beforeEach(() => {
    prefix = `test-queue-${randomUUID()}`;
    redis = createRedisConnection(REDIS_URL, { role: 'producer' });
    target = createWebhookQueue(redis, { prefix });
  });

  afterEach(async () => {
    await target.close();
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
  });

  const job = (body: Record<string, unknown>, deliveryId?: string) =>
    buildWebhookJob({ rawBody: JSON.stringify(body), body, deliveryId }, clock);

  it('adds a job that carries the envelope and the shared job options', async () => {
    const data = job({ event_name: 'signup', source_id: 'a' });
    const outcome = await enqueueWebhook(target, data, 2000);
    expect(outcome.outcome).toBe('enqueued');
    const stored = await target.queue.getJob(outcome.jobId);
    expect(stored?.data).toEqual(data);
    expect(stored?.opts).toMatchObject({ attempts: WEBHOOK_JOB_OPTIONS.attempts, removeOnFail: false });
  });

  it('reports a redelivery as a duplicate of the first, and adds it as a redelivery job', async () => {
    const original = job({ n: 1 });
    const first = await enqueueWebhook(target, original, 2000);
    const repeated = job({ n: 1 });
    const again = await enqueueWebhook(target, repeated, 2000);
    expect(first.outcome).toBe('enqueued');
    expect(again).toEqual({
      outcome: 'duplicate',
      jobId: expect.any(String) as unknown,
      eventKey: original.idempotencyKey,
      rule: 'content-window',
    });
    expect(again.jobId).not.toBe(first.jobId);
    const redelivery = await target.queue.getJob(again.jobId);
    // The script cuts the redelivery's own key off its data and puts the first delivery's there.
    expect(redelivery?.data).toEqual({
      ...repeated,
      idempotencyKey: original.idempotencyKey,
      redelivery: 'content-window',
    });
    expect(await target.queue.getJobCounts('wait')).toEqual({ wait: 2 });
  });

  it('adds a redelivery right whatever the order of its data, as other producers may write it', async () => {
    const { idempotencyKey, ...rest } = job({ n: 7 });
    // The key first: the add script needs it last, so the data is written again in that order.
    const keyFirst = { idempotencyKey, ...rest };
    const first = await enqueueWebhook(target, keyFirst, 2000);
    const { idempotencyKey: _own, ...again } = job({ n: 7 });
    const redelivered = await enqueueWebhook(target, { idempotencyKey: _own, ...again }, 2000);
    expect(first.outcome).toBe('enqueued');
    expect(redelivered.outcome).toBe('duplicate');
    expect((await target.queue.getJob(first.jobId))?.data).toEqual(keyFirst);
    expect((await target.queue.getJob(redelivered.jobId))?.data).toEqual({
      ...again,
      idempotencyKey,
      redelivery: 'content-window',
    });
  });

  it('recognises an occurrence key for longer than the window, and a body again after the window', async () => {
    const short = createWebhookQueue(redis, { prefix, dedupeWindowSeconds: 1 });
    const credited = { event_name: 'wallet.credited', metadata: { wallet: { transaction_id: 'trhi_1' } } };
    expect((await enqueueWebhook(short, job(credited), 2000)).outcome).toBe('enqueued');
    expect((await enqueueWebhook(short, job({ n: 5 }), 2000)).outcome).toBe('enqueued');
    // Deliberate: wait out the 1 s dedupe window.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await enqueueWebhook(short, job(credited), 2000)).toMatchObject({
      outcome: 'duplicate',
      rule: 'occurrence',
    });
    expect((await enqueueWebhook(short, job({ n: 5 }), 2000)).outcome).toBe('enqueued');
    await short.close();
  });

  it('tells concurrent deliveries of one event apart: exactly one is enqueued', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => enqueueWebhook(target, job({ n: 2 }), 2000)),
    );
    expect(outcomes.filter((o) => o.outcome === 'enqueued')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(19);
  });

  it('takes a decided job (an import replaying its source) as a duplicate only of its own receipt id', async () => {
    const replayed = job({ n: 6 });
    expect((await enqueueWebhook(target, replayed, 2000, { decided: true })).outcome).toBe('enqueued');
    // The same event under another receipt id is not looked for: its source decided it.
    const otherReceipt = { ...replayed, receiptId: randomUUID() };
    expect((await enqueueWebhook(target, otherReceipt, 2000, { decided: true })).outcome).toBe('enqueued');
    expect(await enqueueWebhook(target, replayed, 2000, { decided: true })).toMatchObject({
      outcome: 'duplicate',
      eventKey: replayed.idempotencyKey,
    });
    expect(await target.queue.getJobCounts('wait')).toEqual({ wait: 2 });
    // Nothing was claimed: a new delivery of the same body is still the first one here.
    expect((await enqueueWebhook(target, job({ n: 6 }), 2000)).outcome).toBe('enqueued');
  });

  it('answers promptly with a failure when Redis cannot be reached', async () => {
    // Port 1 refuses connections: nothing listens there.
    const offline = createRedisConnection('redis://127.0.0.1:1', { role: 'producer' });
    offline.on('error', () => {});
    const unreachable = createWebhookQueue(offline, { prefix });
    unreachable.queue.on('error', () => {});
    const started = Date.now();
    const outcome = await enqueueWebhook(unreachable, job({ n: 3 }), 500);
    expect(['failed', 'timeout']).toContain(outcome.outcome);
    // The 500 ms timeout plus slack for a loaded machine; without it the add would wait for ever.
    expect(Date.now() - started).toBeLessThan(5_000);
    offline.disconnect();
    await unreachable.queue.close().catch(() => {});
  });

  it('labels a redelivery duplicate when another process added the event', async () => {
    const otherRedis = createRedisConnection(REDIS_URL, { role: 'producer' });
    const otherProcess = createWebhookQueue(otherRedis, { prefix });
    try {
      const first = await enqueueWebhook(otherProcess, job({ n: 4 }), 2000);
      expect(first.outcome).toBe('enqueued');
      expect(await enqueueWebhook(target, job({ n: 4 }), 2000)).toMatchObject({ outcome: 'duplicate' });
      expect(await target.queue.getJobCounts('wait')).toEqual({ wait: 2 });
    } finally {
      await otherProcess.close();
      await otherRedis.quit();
    }
  });
});
