import type { Command } from 'commander';
import { parseEnv } from '@mirror/config';
import type { MirrorEnv } from '@mirror/config';
import { createPrisma } from '@mirror/db';
import type { PrismaClient } from '@mirror/db';
import { createRedisConnection, createWebhookQueue } from '@mirror/queue';
import type { WebhookQueue } from '@mirror/queue';
import { collectStats, readModelCounts, type Stats } from '@mirror/stats';

/** Everything `pnpm mirror stats` reports: `/v1/stats`' document, and the read models' row counts. */
export type MirrorStats = Stats & { readModels: Record<string, number> };

/** Collects {@link MirrorStats} (see `collectStats` of @mirror/stats, which the API serves too). */
export async function mirrorStats(
  deps: { prisma: PrismaClient; queue: WebhookQueue },
  failedLimit = 10,
): Promise<MirrorStats> {
  const [stats, readModels] = await Promise.all([
    collectStats({ db: deps.prisma, queue: deps.queue, now: new Date(), failedLimit }),
    readModelCounts(deps.prisma),
  ]);
  return { ...stats, readModels };
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
      const stats = await withStores(env, (deps) => mirrorStats(deps, options.failed));
      console.log(options.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
    });
}

/** One line on the rebuild: running, or how the latest run ended. */
function formatRebuild({ running, latest }: Stats['rebuild']): string {
  if (latest === null) return running ? 'rebuild: running' : 'rebuild: none yet';
  if (running) {
    return `rebuild: RUNNING since ${latest.startedAt}, ${latest.phase}, ${latest.events} events folded (the API answers from the previous read models until it switches)`;
  }
  return (
    `latest rebuild: ${latest.status} (started ${latest.startedAt}` +
    (latest.finishedAt !== null ? `, ended ${latest.finishedAt}` : '') +
    `, ${latest.events} events)` +
    (latest.error !== null ? `: ${latest.error}` : '')
  );
}

/** One line on the last reconcile run (see `pnpm mirror reconcile`). */
function formatReconcile({ lastRun, lastSucceededAt }: Stats['freshness']['reconcile']): string {
  if (lastRun === null) return 'reconcile: no run yet';
  return (
    `latest reconcile: ${lastRun.status} (started ${lastRun.startedAt}, ${lastRun.customersChecked} customers checked, ${lastRun.driftItems} drift items)` +
    (lastRun.note !== null ? ` (${lastRun.note})` : '') +
    `; last success over customers: ${lastSucceededAt ?? 'never'}`
  );
}

/** One line on the newest verify run (see `pnpm mirror verify`). */
export function formatVerify({ lastRun, lastPassedAt }: Stats['freshness']['verify']): string {
  if (lastRun === null) return 'verify: no run yet (pnpm mirror verify --sample 200)';
  return (
    `latest verify: ${lastRun.status} (${lastRun.mode}, ${lastRun.trigger}, started ${lastRun.startedAt}` +
    (lastRun.finishedAt !== null ? `, ended ${lastRun.finishedAt}` : '') +
    `, ${lastRun.customersChecked} customers checked, ${lastRun.differences} differences)` +
    (lastRun.error !== null ? `: ${lastRun.error}` : '') +
    (lastRun.status === 'passed' ? '' : `; last passed: ${lastPassedAt ?? 'never'}`)
  );
}

/** The queue's lines: depth, counts, pause, failed jobs (or why Redis could not be asked). */
function formatQueue(stats: MirrorStats): string[] {
  const q = stats.queue;
  if (q === null) return [`queue: unknown (${stats.queueError ?? 'no answer'})`];
  const depth = q.counts.waiting + q.counts.active + q.counts.delayed + q.counts.prioritized;
  const oldest = stats.projectionLag.oldestWaitingJobAgeMs;
  return [
    `queue ${q.name}: depth ${depth}` +
      (oldest !== null ? `, oldest waiting ${(oldest / 1000).toFixed(1)} s` : '') +
      (q.paused ? '; PAUSED: nothing is projected until `pnpm mirror resume`' : ''),
    `  ${Object.entries(q.counts)
      .map(([state, n]) => `${state} ${n}`)
      .join(', ')}`,
    '',
    `failed jobs: ${q.counts.failed}` + (q.counts.failed > 0 ? ' (pnpm mirror retry-failed)' : ''),
    ...q.recentFailedJobs.map(
      (j) => `  ${j.jobId} after ${j.attemptsMade} attempts at ${j.failedAt ?? '?'}: ${j.failedReason ?? ''}`,
    ),
  ];
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
  lines.push(
    '',
    ...formatQueue(stats),
    '',
    formatRebuild(stats.rebuild),
    formatReconcile(stats.freshness.reconcile),
    formatVerify(stats.freshness.verify),
    '',
    'read models:',
    ...Object.entries(stats.readModels).map(([table, n]) => `  ${table.padEnd(20)} ${n}`),
  );
  return lines.join('\n');
}
