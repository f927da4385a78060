// `pnpm bench ingest`: throughput and latency of the ingest against the floor for "handed to
// Redis" (bench/support/baseline-server.ts: node:http + JSON.parse + one LPUSH per request),
// under the same load: autocannon, 64 connections, every body distinct, so every delivery is a
// new job. Two floors are measured: `baseline` as a bare server would be written (its Redis
// client sends every command in its own write) and `baseline+ap`, the same with the
// auto-pipelining the ingest uses, which isolates the ingest's own overhead.
//
// Options: --duration <s> (10), --rounds <n> (3; the servers take turns, medians are reported),
// --connections <n> (64), --log-level <level> (info, as in production), --profile (CPU-profile
// the ingest in the last round and print where its time went; profiles land in .bench/),
// --against <commit> (also run the ingest of that commit as a fourth server, an A/B in one run:
// its tree is extracted with `git archive` into the temp directory and installed offline from
// pnpm's store).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { arch, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Benchmark } from './main';
import { canonicalEventName, lookupField, OCCURRENCE_KEYS } from '../packages/catalog/src/index';
import { startChildServer } from './support/child-server';
import { printNewestProfile } from './support/cpu-profile';
import { machineCpu, median, redisCpuSeconds, stealShare } from './support/process-cpu';
import { createRedisConnection, removeKeysByPrefix, WEBHOOK_QUEUE } from '../packages/queue/src/index';
import type { Redis } from '../packages/queue/src/index';

const ROOT = join(__dirname, '..');
const FIXTURES = join(ROOT, '../shared/rehook/fixtures');
const PROFILE_DIR = join(ROOT, '.bench/profiles');
const WEBHOOK_PATH = '/webhooks/rehook';
const BASIC_USER = 'rehook';
const BASIC_PASSWORD = 'bench-password';
/** `WEBHOOK_BASIC_AUTH` of the ingest under test. */
export const BASIC_AUTH = `${BASIC_USER}:${BASIC_PASSWORD}`;
const WARMUP_SECONDS = 2;
/** The node flags `pnpm start:ingest` runs the ingest with (package.json), so the bench does too. */
export const INGEST_NODE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts['start:ingest']!.split(/\s+/).filter((word) => word.startsWith('--'));

/** `baseline`, `baseline+ap`, `ingest`, or `ingest@<commit>` (see {@link ingestOfCommit}). */
type Target = string;
const FLOORS = ['baseline', 'baseline+ap'] as const;

/**
 * The ingest of another commit, for an A/B in one run: its tree extracted with `git archive`
 * (no worktree, nothing in the repository changes) and installed offline from pnpm's store;
 * kept in the temp directory for the next run. Returns its `apps/ingest/src/main.ts`.
 */
export function ingestOfCommit(commit: string): string {
  const sha = execFileSync('git', ['rev-parse', '--verify', `${commit}^{commit}`], {
    cwd: ROOT,
    encoding: 'utf8',
  }).trim();
  // Outside the checkout: a second copy of the workspace's packages inside it confuses jest's
  // module map and the linters.
  const dir = join(tmpdir(), `mirror-bench-ingest-${sha.slice(0, 12)}`);
  const main = join(dir, 'apps/ingest/src/main.ts');
  if (!existsSync(join(dir, 'node_modules'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`extracting ${sha.slice(0, 12)} into ${dir} and installing it offline...`);
    execFileSync('sh', ['-c', `git archive ${sha} | tar -x -C '${dir}'`], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--offline'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return main;
}

interface Figures {
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  /** Non-2xx answers plus errors and timeouts. */
  failures: number;
  /** Jobs (ingest) or list entries (baselines) in Redis afterwards, warm-up included. */
  stored: number;
  /** 2xx answers, warm-up included. */
  acknowledged: number;
  /** Deliveries the ingest answered `duplicate` (its metrics; must be 0), null for a baseline. */
  redeliveries: number | null;
  /** CPU per 1000 accepted requests: the server process, Redis, and this process (autocannon). */
  serverCpuMsPer1k: number;
  redisCpuMsPer1k: number;
  loadgenCpuMsPer1k: number;
  /** Share of the machine's CPU time the hypervisor took during the run (see `machineCpu`). */
  steal: number;
}

/**
 * Bodies: every Rehook fixture with one extra field that autocannon fills with a fresh id on
 * every request (`[<id>]`), and with that id appended to the fields its event type is identified
 * by (`OCCURRENCE_KEYS`), so all bodies differ, every delivery is a new event, and none is a
 * redelivery: a fresh `bench_id` alone leaves a wallet transaction id the same, and since
 * delivery identity every such body after the first was a redelivery (and, as one should be,
 * logged), which measured the ingest on another workload than the ingest before it.
 */
export function requestTemplates(): autocannon.Request[] {
  const authorization = `Basic ${Buffer.from(BASIC_AUTH).toString('base64')}`;
  return ['documented', 'assumed'].flatMap((group) =>
    readdirSync(join(FIXTURES, group)).map((file) => ({
      method: 'POST' as const,
      path: WEBHOOK_PATH,
      headers: { 'content-type': 'application/json', authorization },
      body: withFreshIds(readFileSync(join(FIXTURES, group, file), 'utf8')),
    })),
  );
}

/** A fixture's text with `bench_id` and its occurrence-key values made unique per request. */
export function withFreshIds(fixture: string): string {
  const body = JSON.parse(fixture) as Record<string, unknown>;
  const name = canonicalEventName(String(body['event_name']));
  let text = fixture.replace(/^\s*\{/, '{"bench_id":"[<id>]",');
  for (const path of (name !== null && OCCURRENCE_KEYS[name].fields) || []) {
    let value: unknown = body;
    for (const step of path) value = lookupField(value, step);
    if (typeof value !== 'string' || value === '') throw new Error(`${name}: no ${path.join('.')} to vary`);
    text = text.replaceAll(JSON.stringify(value), JSON.stringify(`${value}-[<id>]`));
  }
  return text;
}

function load(port: number, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: requestTemplates(),
    idReplacement: true,
    timeout: 10,
  });
}

interface RunOptions {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  seconds: number;
  connections: number;
  logLevel: string;
  profile: boolean;
  /** Entry point of each ingest target. */
  ingestScripts: Map<Target, string>;
}

async function measure(target: Target, options: RunOptions): Promise<Figures> {
  const { redis, prefix } = options;
  const env = {
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: options.logLevel,
    WEBHOOK_BASIC_AUTH: BASIC_AUTH,
    BASELINE_AUTOPIPELINING: target === 'baseline+ap' ? '1' : '0',
  };
  const ingestScript = options.ingestScripts.get(target);
  const nodeArgs = [
    ...(ingestScript !== undefined ? INGEST_NODE_FLAGS : []),
    ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []),
  ];
  const script = ingestScript ?? join(__dirname, 'support/baseline-server.ts');
  const server = await startChildServer(
    script,
    ingestScript !== undefined ? 'INGEST_PORT' : 'PORT',
    env,
    nodeArgs,
  );
  try {
    const warmup = await load(server.port, WARMUP_SECONDS, options.connections);
    const redisInfo = () => redis.info('cpu');
    const cpu0 = server.cpuSeconds();
    const redisCpu0 = await redisCpuSeconds(redisInfo);
    const loadgenCpu0 = process.cpuUsage();
    const machine0 = machineCpu();
    const result = await load(server.port, options.seconds, options.connections);
    const steal = stealShare(machine0, machineCpu());
    const loadgenCpu = process.cpuUsage(loadgenCpu0);
    const cpu = server.cpuSeconds() - cpu0;
    const redisCpu = (await redisCpuSeconds(redisInfo)) - redisCpu0;
    const redeliveries = ingestScript !== undefined ? await duplicatesAnswered(server.port) : null;
    const stored = await redis.llen(
      ingestScript !== undefined ? `${prefix}:${WEBHOOK_QUEUE}:wait` : `${prefix}:baseline`,
    );
    const per1k = (seconds: number) => (seconds * 1000 * 1000) / Math.max(result['2xx'], 1);
    return {
      target,
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      ok: result['2xx'],
      failures: result.non2xx + result.errors + result.timeouts,
      stored,
      acknowledged: warmup['2xx'] + result['2xx'],
      redeliveries,
      serverCpuMsPer1k: per1k(cpu),
      redisCpuMsPer1k: per1k(redisCpu),
      loadgenCpuMsPer1k: per1k((loadgenCpu.user + loadgenCpu.system) / 1e6),
      steal,
    };
  } finally {
    await server.stop();
    await removeKeysByPrefix(redis, prefix);
  }
}

/**
 * How many deliveries the ingest on `port` answered `duplicate`, from its enqueue histogram's
 * count (a metric every version of the ingest has).
 */
async function duplicatesAnswered(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const match = /^ingest_enqueue_duration_seconds_count\{outcome="duplicate"\} (\d+)$/m.exec(text);
  return match === null ? 0 : Number(match[1]);
}

const HEADER =
  'target          req/s      p50      p99  failed   stored/acked   cpu ms per 1k req: server  redis  loadgen   steal\n' +
  '-'.repeat(112);

function row(f: Figures): string {
  return [
    f.target.padEnd(14),
    f.rps.toFixed(0).padStart(7),
    `${f.p50.toFixed(0)} ms`.padStart(7),
    `${f.p99.toFixed(0)} ms`.padStart(7),
    String(f.failures).padStart(6),
    `${f.stored}/${f.acknowledged}`.padStart(14),
    f.serverCpuMsPer1k.toFixed(0).padStart(28),
    f.redisCpuMsPer1k.toFixed(0).padStart(6),
    f.loadgenCpuMsPer1k.toFixed(0).padStart(8),
    `${(f.steal * 100).toFixed(0)}%`.padStart(6),
  ].join('  ');
}

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '64' },
      'log-level': { type: 'string', default: 'info' },
      profile: { type: 'boolean', default: false },
      against: { type: 'string' },
    },
  });
  const ingestScripts = new Map<Target, string>([['ingest', join(ROOT, 'apps/ingest/src/main.ts')]]);
  const other = values.against === undefined ? undefined : `ingest@${values.against}`;
  if (other !== undefined && values.against !== undefined)
    ingestScripts.set(other, ingestOfCommit(values.against));
  const TARGETS: Target[] = [...FLOORS, ...ingestScripts.keys()];
  const rounds = Number(values.rounds);
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const prefix = `bench-ingest-${process.pid}-${Date.now().toString(36)}`;
  const redis = createRedisConnection(redisUrl, { role: 'consumer' });
  const options: RunOptions = {
    redis,
    redisUrl,
    prefix,
    seconds: Number(values.duration),
    connections: Number(values.connections),
    logLevel: values['log-level'],
    profile: false,
    ingestScripts,
  };
  if (values.profile) mkdirSync(PROFILE_DIR, { recursive: true });

  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} × ${cpu[0]?.model ?? '?'} (${arch()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `node ${process.version}, redis ${/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?'}`,
  );
  console.log(
    `load: autocannon, ${options.connections} connections, ${options.seconds} s per run after a ${WARMUP_SECONDS} s ` +
      `warm-up, ${rounds} rounds, distinct bodies (the ${requestTemplates().length} fixtures + a unique id); ` +
      `ingest with LOG_LEVEL=${options.logLevel}, basic auth and node ${INGEST_NODE_FLAGS.join(' ') || '(no flags)'} ` +
      '(as `pnpm start:ingest`)\n',
  );
  const results: Figures[] = [];
  try {
    console.log(HEADER);
    for (let round = 0; round < rounds; round++) {
      // Each round starts with another server, so drift in the machine's load hits all alike.
      const order = TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length]!);
      for (const target of order) {
        const profile = values.profile && target === 'ingest' && round === rounds - 1;
        const figures = await measure(target, { ...options, profile });
        results.push(figures);
        console.log(row(figures));
      }
    }
  } finally {
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
  }

  const of = (target: Target) => results.filter((r) => r.target === target);
  console.log(`\nmedians over ${rounds} rounds:`);
  for (const target of TARGETS) {
    const runs = of(target);
    console.log(
      `  ${target.padEnd(14)} ${median(runs.map((r) => r.rps))
        .toFixed(0)
        .padStart(6)} req/s   ` +
        `p50 ${median(runs.map((r) => r.p50)).toFixed(0)} ms   p99 ${median(runs.map((r) => r.p99)).toFixed(0)} ms   ` +
        `server cpu ${median(runs.map((r) => r.serverCpuMsPer1k)).toFixed(0)} ms/1k`,
    );
  }
  const ratios = new Map<Target, number>();
  for (const ingest of ingestScripts.keys()) {
    const ingestRps = median(of(ingest).map((r) => r.rps));
    for (const floor of FLOORS) {
      const perRound = of(ingest).map((r, i) => r.rps / (of(floor)[i]?.rps ?? Number.NaN));
      const ratio = ingestRps / median(of(floor).map((r) => r.rps));
      if (floor === 'baseline') ratios.set(ingest, ratio);
      console.log(
        `  ${ingest} / ${floor}: ${ratio.toFixed(2)} ` +
          `(per round: ${perRound.map((r) => r.toFixed(2)).join(', ')}; target ≥ 0.5)`,
      );
    }
  }
  if (other !== undefined) {
    const change = (ratios.get('ingest')! / ratios.get(other)! - 1) * 100;
    const perRound = of('ingest').map((r, i) => r.rps / (of(other)[i]?.rps ?? Number.NaN));
    console.log(
      `  ingest against ${other}: ratio to baseline ${change >= 0 ? '+' : ''}${change.toFixed(1)}% ` +
        `(ingest / ${other} per round: ${perRound.map((r) => r.toFixed(2)).join(', ')}; ` +
        `server cpu ${median(of('ingest').map((r) => r.serverCpuMsPer1k)).toFixed(0)} against ` +
        `${median(of(other).map((r) => r.serverCpuMsPer1k)).toFixed(0)} ms/1k)`,
    );
  }
  const steal = results.map((r) => r.steal * 100);
  console.log(
    `  CPU stolen by the hypervisor during the runs: median ${median(steal).toFixed(0)}%, ` +
      `max ${Math.max(...steal).toFixed(0)}% (a run with much steal measured the host's neighbours too)`,
  );
  const failures = results.reduce((n, r) => n + r.failures, 0);
  console.log(`  non-2xx answers and errors: ${failures}${failures === 0 ? '' : '  <-- must be 0'}`);
  // Every body is a new event (see requestTemplates): a redelivery would mean the ingests are
  // not measured on the same work.
  const redeliveries = results.reduce((n, r) => n + (r.redeliveries ?? 0), 0);
  console.log(
    `  deliveries answered duplicate: ${redeliveries}${redeliveries === 0 ? '' : '  <-- must be 0'}`,
  );
  // Answers still on their way when autocannon stops are not counted as 2xx, but their jobs
  // exist: stored may exceed acknowledged, never the reverse.
  const lost = results.filter((r) => r.stored < r.acknowledged);
  console.log(
    lost.length === 0
      ? '  every 2xx answer has its job/entry in Redis (stored ≥ acknowledged)'
      : `  LOST: fewer stored jobs than 2xx answers: ${lost.map((r) => `${r.target} ${r.stored}/${r.acknowledged}`).join(', ')}`,
  );
  if (values.profile) printNewestProfile(PROFILE_DIR, 'the ingest');
  if (failures > 0 || lost.length > 0 || redeliveries > 0) process.exitCode = 1;
}

/** The ingest benchmark, registered in bench/main.ts. */
export const benchmark: Benchmark = {
  description: 'ingest vs a bare node:http + LPUSH baseline (autocannon, 64 connections)',
  run,
};
