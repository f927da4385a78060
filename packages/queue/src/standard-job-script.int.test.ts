import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import { WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS } from './job-options';
import { createRedisConnection } from './redis-connection';
import type { Redis } from './redis-connection';
import { removeKeysByPrefix } from './remove-keys';
import { createStandardJobScript, MAX_DATA_PER_COMMAND, MAX_JOBS_PER_COMMAND } from './standard-job-script';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * Everything a queue holds in Redis, by key suffix: hashes (job timestamps left out, and the
 * stored options parsed, since Lua's cjson writes keys in hash order), lists, sorted sets,
 * stream entries (fields only) and strings.
 */
async function dumpQueue(redis: Redis, prefix: string, name: string): Promise<Record<string, unknown>> {
  const base = `${prefix}:${name}:`;
  const keys = (await redis.keys(`${base}*`)).sort();
  const dump: Record<string, unknown> = {};
  for (const key of keys) {
    const type = await redis.type(key);
    const suffix = key.slice(base.length);
    if (type === 'hash') {
      const { timestamp, opts, ...rest } = await redis.hgetall(key);
      dump[suffix] = {
        ...rest,
        // Times differ; their form (integer milliseconds) must not.
        ...(timestamp !== undefined && { timestamp: /^\d{13}$/.test(timestamp) ? 'ms' : timestamp }),
        ...(opts !== undefined && { opts: JSON.parse(opts) as unknown }),
      };
    } else if (type === 'list') dump[suffix] = await redis.lrange(key, 0, -1);
    else if (type === 'zset') dump[suffix] = await redis.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'stream')
      dump[suffix] = (await redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    else if (type === 'string') dump[suffix] = await redis.get(key);
    else dump[suffix] = type;
  }
  return dump;
}

describe('createStandardJobScript', () => {
  let redis: Redis;
  let prefix: string;
  let viaAdd: Queue;
  let viaScript: Queue;

  beforeEach(async () => {
    prefix = `test-script-${randomUUID()}`;
    redis = createRedisConnection(REDIS_URL, { role: 'producer' });
    viaAdd = new Queue('via-add', { connection: redis, prefix });
    viaScript = new Queue('via-script', { connection: redis, prefix });
    await Promise.all([viaAdd.waitUntilReady(), viaScript.waitUntilReady()]);
  });

  afterEach(async () => {
    await Promise.all([viaAdd.close(), viaScript.close()]);
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
  });

  /** The two queues hold the same; the comparison covers the jobs `ids`, the wait list, the marker and the events stream. */
  async function expectSameQueues(ids: string[]): Promise<void> {
    const expected = await dumpQueue(redis, prefix, 'via-add');
    expect(Object.keys(expected)).toEqual(expect.arrayContaining([...ids, 'wait', 'marker', 'events']));
    expect(await dumpQueue(redis, prefix, 'via-script')).toEqual(expected);
  }

  const data = {
    rawBody: '{"event_name":"signup","quote":"\\"é"}',
    idempotencyKey: 'sha256:ab',
    receiptStamp: '17',
    receivedAt: 1,
  };

  it('leaves Redis exactly as Queue.add does, for new jobs and for an id added again', async () => {
    const add = createStandardJobScript(viaScript, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
    // Ids of each msgpack string size class: fixstr, str8 (a job id as the ingest makes them),
    // str16 (multi-byte characters).
    const ids = ['a', 'f'.repeat(64), 'é'.repeat(200)];
    for (const [index, jobId] of [...ids, 'a'].entries()) {
      const added = await viaAdd.add(WEBHOOK_JOB_NAME, data, { ...WEBHOOK_JOB_OPTIONS, jobId });
      expect(await add(jobId, data)).toEqual({ jobId: added.id, added: index < ids.length });
    }
    await expectSameQueues(ids);
  });

  it('adds the jobs of one event-loop turn in one command, leaving Redis as one Queue.add after another does', async () => {
    const add = createStandardJobScript(viaScript, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
    await add('first', data); // defines the batch command on the connection
    await viaAdd.add(WEBHOOK_JOB_NAME, data, { ...WEBHOOK_JOB_OPTIONS, jobId: 'first' });
    // More jobs than one command takes, an id already in Redis, and an id twice in one turn.
    const ids = Array.from({ length: MAX_JOBS_PER_COMMAND + 20 }, (_, index) => `job-${index}`);
    const requested = [...ids.slice(0, 3), 'first', ids[1]!, ...ids.slice(3)];
    const jobData = (jobId: string) => ({ ...data, receiptStamp: jobId });
    for (const jobId of requested) {
      await viaAdd.add(WEBHOOK_JOB_NAME, jobData(jobId), { ...WEBHOOK_JOB_OPTIONS, jobId });
    }
    const commands = jest.spyOn(redis, 'sendCommand');
    const answers = await Promise.all(requested.map((jobId) => add(jobId, jobData(jobId))));
    // Added: each id the first time it comes, but for 'first', added in an earlier turn.
    expect(answers).toEqual(
      requested.map((jobId, index) => ({
        jobId,
        added: jobId !== 'first' && requested.indexOf(jobId) === index,
      })),
    );
    expect(commands).toHaveBeenCalledTimes(Math.ceil(requested.length / MAX_JOBS_PER_COMMAND));
    await expectSameQueues(ids);
  });

  it('splits a turn of large jobs into commands of about MAX_DATA_PER_COMMAND', async () => {
    const add = createStandardJobScript(viaScript, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
    await add('first', data); // defines the batch command on the connection
    const commands = jest.spyOn(redis, 'sendCommand');
    const large = { ...data, rawBody: 'x'.repeat(Math.ceil(MAX_DATA_PER_COMMAND * 0.4)) };
    const ids = ['l1', 'l2', 'l3', 'l4', 'l5'];
    const answers = await Promise.all(ids.map((jobId) => add(jobId, large)));
    expect(answers).toEqual(ids.map((jobId) => ({ jobId, added: true })));
    // 0.4 + 0.4 + 0.4 reaches the limit: three jobs, then two.
    expect(commands).toHaveBeenCalledTimes(2);
    expect(await redis.llen(viaScript.keys.wait!)).toBe(6);
  });

  it('still adds after Redis has forgotten its scripts (a restart without persistence)', async () => {
    const add = createStandardJobScript(viaScript, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
    expect(await add('before', data)).toEqual({ jobId: 'before', added: true });
    await redis.script('FLUSH');
    expect(await Promise.all([add('after-1', data), add('after-2', data)])).toEqual([
      { jobId: 'after-1', added: true },
      { jobId: 'after-2', added: true },
    ]);
    expect(await redis.lrange(viaScript.keys.wait!, 0, -1)).toEqual(['after-2', 'after-1', 'before']);
  });

  it('adds jobs a BullMQ worker reads back with their data and options', async () => {
    const add = createStandardJobScript(viaScript, redis, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
    await add('c', data);
    const connection = createRedisConnection(REDIS_URL, { role: 'consumer' });
    let resolveJob: (job: Job) => void = () => undefined;
    const seen = new Promise<Job>((resolve) => (resolveJob = resolve));
    const worker = new Worker('via-script', (job: Job) => Promise.resolve(resolveJob(job)), {
      connection,
      prefix,
    });
    const job = await seen;
    await worker.close();
    await connection.quit();
    expect(job.id).toBe('c');
    expect(job.name).toBe(WEBHOOK_JOB_NAME);
    expect(job.data).toEqual(data);
    expect(job.opts).toMatchObject({ ...WEBHOOK_JOB_OPTIONS, jobId: 'c' });
  });

  it('refuses options that BullMQ adds with another script', () => {
    expect(() => createStandardJobScript(viaScript, redis, 'x', { delay: 1000 })).toThrow(/delay/);
    expect(() => createStandardJobScript(viaScript, redis, 'x', { priority: 2 })).toThrow(/priority/);
  });

  it('fails loudly when the connection lacks the script it expects', async () => {
    const other = createRedisConnection(REDIS_URL, { role: 'producer' });
    try {
      // Connected, so that disconnecting below interrupts no handshake.
      if (other.status !== 'ready') await new Promise((resolve) => other.once('ready', resolve));
      // A queue on another connection: BullMQ defines its scripts there, not on `other`.
      const add = createStandardJobScript(viaScript, other, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
      await expect(add('d', data)).rejects.toThrow(/addStandardJob/);
    } finally {
      other.disconnect();
    }
  });
});
