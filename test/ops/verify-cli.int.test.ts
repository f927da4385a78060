// `mirror verify` and `mirror stats`, run as an operator runs them: exit codes (0 no difference,
// 1 differences, 2 could not compare or bad options), each difference printed, the run in stats.
import { randomBytes } from 'node:crypto';
import { recordEvents } from '@mirror/projections';
import { formatVerify, type MirrorStats } from '../../apps/cli/src/commands/stats';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { deliveryOf, fixtureBody } from '../support/deliveries';
import { runMirror } from './support/processes';

// Each command is a process of its own (tsx): tens of seconds apiece on a loaded machine.
jest.setTimeout(400_000);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe('mirror verify', () => {
  let db: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    env = { DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: `ops-verify-${randomBytes(4).toString('hex')}` };
    await recordEvents(db.prisma, [
      deliveryOf(fixtureBody('documented', 'order_success.json'), 1),
      deliveryOf(fixtureBody('documented', 'wallet.credited.json'), 2),
    ]);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('exits 0 when the read models match the store, 1 naming each difference, and stats show the run', async () => {
    const [customer] = await db.prisma.$queryRawUnsafe<{ source_id: string }[]>(
      'SELECT source_id FROM wallet_transactions LIMIT 1',
    );
    const sourceId = customer?.source_id ?? '';
    const passed = await runMirror(['verify', '--all'], env);
    expect(passed).toMatchObject({ code: 0 });
    expect(passed.stdout).toMatch(
      /verify run [0-9a-f-]+ \(all\): passed\n {2}customers checked \d+, events replayed 2, differences 0/,
    );

    await db.prisma.$executeRawUnsafe('UPDATE wallet_transactions SET description = $1', 'edited by hand');
    const all = await runMirror(['verify', '--all'], env);
    expect(all).toMatchObject({ code: 1 });
    expect(all.stdout).toMatch(
      new RegExp(
        `^customer ${sourceId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| wallet_transactions \\(transaction_id=[^,]+, direction=credit\\) \\| description: expected (".*"|NULL), found "edited by hand"$`,
        'm',
      ),
    );
    const one = await runMirror(['verify', '--customer', sourceId, '--json'], env);
    expect(one.code).toBe(1);
    const run = JSON.parse(one.stdout) as { status: string; differences: { column: string }[] };
    expect(run).toMatchObject({ status: 'differences', differences: [{ column: 'description' }] });

    const stats = await runMirror(['stats', '--json'], env);
    expect(stats.code).toBe(0);
    const parsed = JSON.parse(stats.stdout) as MirrorStats;
    expect(parsed.freshness.verify.lastRun).toMatchObject({
      mode: 'customers',
      status: 'differences',
      differences: 1,
    });
    expect(
      formatVerify({
        lastRun: {
          ...parsed.freshness.verify.lastRun!,
          startedAt: '1970-01-01T00:00:00.000Z',
          finishedAt: null,
        },
        lastPassedAt: '1970-01-01T00:00:00.000Z',
      }),
    ).toBe(
      'latest verify: differences (customers, cli, started 1970-01-01T00:00:00.000Z, 1 customers checked, 1 differences); last passed: 1970-01-01T00:00:00.000Z',
    );
  });

  it('exits 2 when it cannot compare: no mode chosen, or no database', async () => {
    const none = await runMirror(['verify'], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('exactly one of --customer, --sample <n>, --all');
    const away = await runMirror(['verify', '--sample', '3'], {
      ...env,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere',
    });
    expect(away.code).toBe(2);
    expect(away.stderr).toContain('cannot reach Postgres');
  });
});
