import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import type { MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import type { PrismaClient } from '@mirror/db';
import { createRedisConnection, createWebhookQueue, WEBHOOK_QUEUE } from '@mirror/queue';
import type { WebhookQueue } from '@mirror/queue';
import { rebuildState, type RebuildState } from '@mirror/projections';

/** Stored events of one name and status. */
export interface EventCount {
  /** Canonical name; for unrecognized events, the raw name as sent (null when there was none). */
  name: string | null;
  status: string;
  count: number;
}

/** A job that exhausted its retries. */
export interface FailedJobInfo {
  id: string;
  failedReason: string;
  attemptsMade: number;
  failedAt: string | null;
  idempotencyKey: string | null;
}

/** Everything `pnpm mirror stats` reports. */
export interface MirrorStats {
  events: { total: number; byNameAndStatus: EventCount[] };
  queue: {
    name: string;
    prefix: string;
    /** Jobs not yet processed: waiting, active, delayed, prioritized, waiting for children. */
    depth: number;
    counts: Record<string, number>;
    /** Age of the oldest waiting job, ms; null when none waits. */
    oldestWaitingAgeMs: number | null;
    /** Paused (by hand, or by an older version's rebuild): nothing is projected until `mirror resume`. */
    paused: boolean;
  };
  /** Whether a rebuild runs, and how the latest one went. */
  rebuild: RebuildState;
  failedJobs: { count: number; latest: FailedJobInfo[] };
  readModels: Record<string, number>;
}

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'completed',
  'failed',
] as const;
const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Events by name and status, straight from the event store. */
export async function eventCounts(prisma: PrismaClient): Promise<EventCount[]> {
  const rows = await prisma.$queryRaw<{ name: string | null; status: string; count: bigint }[]>`
    SELECT COALESCE(name, raw_name) AS name, status::text AS status, count(*) AS count
    FROM events GROUP BY 1, 2 ORDER BY 1 NULLS LAST, 2`;
  return rows.map((r) => ({ name: r.name, status: r.status, count: Number(r.count) }));
}

/** Row counts of the read models (what a rebuild would reproduce). */
export async function readModelCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const counts: Record<string, () => Promise<number>> = {
    customers: () => prisma.customer.count(),
    wallets: () => prisma.walletTransaction.groupBy({ by: ['sourceId'] }).then((rows) => rows.length),
    walletTransactions: () => prisma.walletTransaction.count(),
    pendingRewards: () =>
      prisma.webhookReward.count({ where: { fulfilledAt: null, sourceId: { not: null } } }),
    fulfilledRewards: () => prisma.webhookReward.count({ where: { fulfilledAt: { not: null } } }),
    coupons: () => prisma.coupon.count(),
    couponRedemptions: () => prisma.couponRedemption.count(),
    referrals: () => prisma.referral.count(),
    leaderboardAwards: () => prisma.leaderboardAward.count(),
    segments: () => prisma.segment.count(),
    segmentMembers: () => prisma.segmentMembership.count({ where: { isMember: true } }),
  };
  const entries = await Promise.all(
    Object.entries(counts).map(async ([name, count]) => [name, await count()]),
  );
  return Object.fromEntries(entries) as Record<string, number>;
}

/** Queue depth, job counts by state and the latest failed jobs. */
export async function queueStats(
  queue: WebhookQueue,
  prefix: string,
  failedLimit: number,
): Promise<Pick<MirrorStats, 'queue' | 'failedJobs'>> {
  const counts = await queue.queue.getJobCounts(...JOB_STATES);
  const depth = PENDING_STATES.reduce((sum, state) => sum + (counts[state] ?? 0), 0);
  // BullMQ adds to the head of the wait list, so the oldest waiting job is at its tail.
  const [oldest] = await queue.queue.getWaiting(-1, -1);
  const paused = await queue.queue.isPaused();
  const failed = failedLimit > 0 ? await queue.queue.getFailed(0, failedLimit - 1) : [];
  return {
    queue: {
      name: WEBHOOK_QUEUE,
      prefix,
      depth,
      counts,
      oldestWaitingAgeMs: oldest !== undefined ? Math.max(0, Date.now() - oldest.timestamp) : null,
      paused,
    },
    failedJobs: {
      count: counts['failed'] ?? 0,
      latest: failed.map((job) => ({
        id: job.id ?? '',
        failedReason: job.failedReason,
        attemptsMade: job.attemptsMade,
        failedAt: job.finishedOn !== undefined ? new Date(job.finishedOn).toISOString() : null,
        // Never the body: it holds customer data.
        idempotencyKey: (job.data as { idempotencyKey?: string } | undefined)?.idempotencyKey ?? null,
      })),
    },
  };
}

/** Collects {@link MirrorStats} from Postgres and Redis. */
export async function collectStats(
  deps: { prisma: PrismaClient; queue: WebhookQueue; prefix: string },
  failedLimit = 10,
): Promise<MirrorStats> {
  const [byNameAndStatus, readModels, queue, rebuild] = await Promise.all([
    eventCounts(deps.prisma),
    readModelCounts(deps.prisma),
    queueStats(deps.queue, deps.prefix, failedLimit),
    rebuildState(deps.prisma),
  ]);
  return {
    events: { total: byNameAndStatus.reduce((sum, r) => sum + r.count, 0), byNameAndStatus },
    ...queue,
    rebuild,
    readModels,
  };
}

/** `host:port/database` of a connection string, for messages (never the password). */
function where(url: string): string {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/** The last line of an error message: Prisma prefixes the cause with a code excerpt. */
function cause(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n').at(-1) ?? message;
}

/**
 * Opens the webhook queue for a CLI command and closes it afterwards. Checks first that Redis
 * answers, so that a wrong REDIS_URL fails at once with a clear message rather than line by
 * line after each enqueue times out.
 */
export async function withQueue<T>(
  env: MirrorEnv,
  fn: (deps: { queue: WebhookQueue; prefix: string }) => Promise<T>,
): Promise<T> {
  const redis = createRedisConnection(env.REDIS_URL, { role: 'producer', connectionName: 'mirror-cli' });
  // A producer connection fails fast; without listeners every retry would also be printed.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  const queue = createWebhookQueue(redis, {
    prefix: env.QUEUE_PREFIX,
    dedupeWindowSeconds: env.WEBHOOK_DEDUPE_WINDOW_SECONDS,
  });
  queue.queue.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      if (redis.status === 'ready') return resolve();
      const timer = setTimeout(() => reject(lastError ?? new Error('no answer within 5 s')), 5_000);
      redis.once('ready', () => (clearTimeout(timer), resolve()));
      // The first failed attempt is answer enough: the connection would only keep retrying.
      redis.once('error', (error: Error) => (clearTimeout(timer), reject(error)));
    }).catch((error: unknown) => {
      throw new Error(`cannot reach Redis at ${where(env.REDIS_URL)} (REDIS_URL): ${cause(error)}`);
    });
    return await fn({ queue, prefix: env.QUEUE_PREFIX });
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

/**
 * Opens Prisma for a CLI command and closes it afterwards. Checks first that Postgres answers
 * and holds the event store, and says what to do when it does not.
 */
export async function withPrisma<T>(env: MirrorEnv, fn: (prisma: PrismaClient) => Promise<T>): Promise<T> {
  const prisma = createPrisma(env.DATABASE_URL, { max: 4, role: 'cli' });
  try {
    const [row] = await prisma.$queryRaw<
      { events: string | null }[]
    >`SELECT to_regclass('events')::text AS events`.catch((error: unknown) => {
      throw new Error(`cannot reach Postgres at ${where(env.DATABASE_URL)} (DATABASE_URL): ${cause(error)}`);
    });
    if (row?.events == null) {
      throw new Error(`${where(env.DATABASE_URL)} has no event store yet: run \`pnpm mirror migrate\` first`);
    }
    return await fn(prisma);
  } finally {
    await prisma.$disconnect();
  }
}

/** Opens Prisma and the webhook queue for a CLI command (see {@link withPrisma}, {@link withQueue}). */
export function withStores<T>(
  env: MirrorEnv,
  fn: (deps: { prisma: PrismaClient; queue: WebhookQueue; prefix: string }) => Promise<T>,
): Promise<T> {
  return withPrisma(env, (prisma) => withQueue(env, (deps) => fn({ prisma, ...deps })));
}

/** `pnpm mirror stats`. */
export function registerStats(program: Command): void {
  program
    .command('stats')
    .description(
      'Show events by name and status, queue depth, failed jobs and read-model row counts ' +
        '(DATABASE_URL, REDIS_URL, QUEUE_PREFIX).',
    )
    .option('--json', 'print JSON for machines')
    .option('--failed <n>', 'list this many of the latest failed jobs', (v) => Number.parseInt(v, 10), 10)
    .action(async (options: { json?: boolean; failed: number }) => {
      if (!Number.isInteger(options.failed) || options.failed < 0)
        throw new Error('--failed must be a whole number');
      const env = parseEnv(process.env);
      const stats = await withStores(env, (deps) => collectStats(deps, options.failed));
      console.log(options.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
    });
}

/** One line on the rebuild: running, or how the latest run ended. */
function formatRebuild({ running, latest }: RebuildState): string {
  if (latest === null) return running ? 'rebuild: running' : 'rebuild: none yet';
  const at = (date: Date) => date.toISOString();
  if (running) {
    return `rebuild: RUNNING since ${at(latest.startedAt)}, ${latest.phase}, ${latest.events} events folded (the API answers from the previous read models until it switches)`;
  }
  return (
    `latest rebuild: ${latest.status} (started ${at(latest.startedAt)}` +
    (latest.finishedAt !== null ? `, ended ${at(latest.finishedAt)}` : '') +
    `, ${latest.events} events)` +
    (latest.error !== null ? `: ${latest.error}` : '')
  );
}

/** The human-readable report. */
export function formatStats(stats: MirrorStats): string {
  const statuses = [...new Set(stats.events.byNameAndStatus.map((r) => r.status))].sort();
  const names = [...new Set(stats.events.byNameAndStatus.map((r) => r.name ?? '(no name)'))];
  const cell = (name: string, status: string) =>
    stats.events.byNameAndStatus
      .filter((r) => (r.name ?? '(no name)') === name && r.status === status)
      .reduce((sum, r) => sum + r.count, 0);
  const width = Math.max(10, ...names.map((n) => n.length));
  const lines = [`events: ${stats.events.total}`];
  if (names.length > 0) {
    lines.push(`  ${'name'.padEnd(width)} ${statuses.map((s) => s.padStart(12)).join(' ')}`);
    for (const name of names) {
      lines.push(
        `  ${name.padEnd(width)} ${statuses.map((s) => String(cell(name, s)).padStart(12)).join(' ')}`,
      );
    }
  }
  const q = stats.queue;
  lines.push(
    '',
    `queue ${q.prefix}:${q.name}: depth ${q.depth}` +
      (q.oldestWaitingAgeMs !== null
        ? `, oldest waiting ${(q.oldestWaitingAgeMs / 1000).toFixed(1)} s`
        : '') +
      (q.paused ? '; PAUSED: nothing is projected until `pnpm mirror resume`' : ''),
    `  ${Object.entries(q.counts)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ')}`,
    '',
    `failed jobs: ${stats.failedJobs.count}` +
      (stats.failedJobs.count > 0 ? ' (pnpm mirror retry-failed)' : ''),
    ...stats.failedJobs.latest.map(
      (j) => `  ${j.id} after ${j.attemptsMade} attempts at ${j.failedAt ?? '?'}: ${j.failedReason}`,
    ),
    '',
    formatRebuild(stats.rebuild),
    '',
    'read models:',
    ...Object.entries(stats.readModels).map(([table, n]) => `  ${table.padEnd(20)} ${n}`),
  );
  return lines.join('\n');
}
