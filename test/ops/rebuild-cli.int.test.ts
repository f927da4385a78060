// `mirror rebuild`, `mirror stats` and `mirror resume`, run as an operator runs them: stats say
// whether the queue is paused and how the latest rebuild went; resume unpauses a queue paused by
// hand; a rebuild leaves the queue as it found it.
import { randomBytes } from 'node:crypto';
import { createRedisConnection, createWebhookQueue, type Redis, type WebhookQueue } from '@mirror/queue';
import { recordEvents } from '@mirror/projections';
import type { MirrorStats } from '../../apps/cli/src/commands/stats';
import { Stats } from '../../apps/api/src/schemas/stats';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliveryOf, fixtureBody } from '../support/deliveries';
import { runMirror } from './support/processes';

jest.setTimeout(120_000);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('mirror rebuild, stats and resume', () => {
  let db: TestDatabase;
  let redis: Redis;
  let queue: WebhookQueue;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    const prefix = `ops-rebuild-${randomBytes(4).toString('hex')}`;
    env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix };
    redis = createRedisConnection(REDIS_URL, { role: 'producer' });
    queue = createWebhookQueue(redis, { prefix });
    await recordEvents(db.prisma, [deliveryOf(fixtureBody('documented', 'order_success.json'), 1)]);
  });

  afterAll(async () => {
    await queue.queue.obliterate({ force: true });
    await queue.close();
    await redis.quit();
    await db.drop();
  });

  const stats = async (): Promise<MirrorStats> => {
    const result = await runMirror(['stats', '--json'], env);
    expect(result).toMatchObject({ code: 0 });
    return JSON.parse(result.stdout) as MirrorStats;
  };

  it('prints the document /v1/stats serves, plus the read models', async () => {
    const { readModels, ...document } = await stats();
    expect(Stats.safeParse(document).error).toBeUndefined();
    expect(document.events.total).toBe(1);
    expect(readModels['customers']).toBe(1);
  });

  it('says when the queue is paused, and resume unpauses it', async () => {
    expect((await stats()).queue?.paused).toBe(false);
    await queue.queue.pause();

    expect((await stats()).queue?.paused).toBe(true);
    expect((await runMirror(['stats'], env)).stdout).toContain(
      'PAUSED: nothing is projected until `pnpm mirror resume`',
    );

    expect(await runMirror(['resume'], env)).toMatchObject({
      code: 0,
      stdout: 'queue resumed: workers take jobs again\n',
    });
    expect(await queue.queue.isPaused()).toBe(false);
    expect(await runMirror(['resume'], env)).toMatchObject({ code: 0, stdout: 'the queue was not paused\n' });
  });

  it('rebuilds without touching the queue, and stats tell how the latest rebuild went', async () => {
    expect((await stats()).rebuild).toEqual({ running: false, latest: null });

    const result = await runMirror(['rebuild'], env);

    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('rebuilt the read models from 1 events');
    expect(await queue.queue.isPaused()).toBe(false);
    const after = await stats();
    expect(after.rebuild).toMatchObject({
      running: false,
      latest: { status: 'succeeded', phase: 'done', events: 1 },
    });
    expect(after.readModels).toMatchObject({ customers: 1 });
    expect((await runMirror(['stats'], env)).stdout).toMatch(
      /latest rebuild: succeeded \(started .*, 1 events\)/,
    );
  });
});
