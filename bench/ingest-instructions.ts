// `pnpm bench ingest-instructions [--against <commit>] [--requests 3000] [--repeats 3]`: the
// work per webhook, counted in CPU instructions (valgrind's callgrind) instead of seconds, for
// Redis and for the ingest, so that an A/B is not at the mercy of a noisy shared host the way
// `pnpm bench ingest`'s throughput is. callgrind counts instructions, which are the same for the
// same binary, inputs and environment whatever else the machine is doing, as long as the work
// itself does not depend on timing.
//
// Per target (the ingest of this checkout, and with `--against` the ingest of that commit): a
// private redis-server and the ingest, each under callgrind; a warm-up of 2,000 requests (V8
// compiles the hot paths), then `--repeats` times: zero both counters, send `--requests`
// requests (autocannon, 16 connections, the bodies of `pnpm bench ingest`: every one a new
// event), dump both counters. Redis's figure repeats to within about 1% in one run and 2% across
// runs. The ingest's does not: it moves by 10-30% between repeats and by more between runs,
// because what the ingest does per request depends on timing after all (how many jobs share one
// Redis command, when V8 compiles and collects), and a loaded machine changes that timing. Read
// it as indicative; `pnpm bench ingest` gives the ingest's CPU seconds.
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import type { Benchmark } from './main';
import { BASIC_AUTH, ingestOfCommit, INGEST_NODE_FLAGS, requestTemplates } from './ingest';
import { freePort } from './support/child-server';
import { median } from './support/process-cpu';

const ROOT = join(__dirname, '..');
const WARMUP_REQUESTS = 2_000;
const CONNECTIONS = 16;

/** A process under callgrind, whose counters can be zeroed and dumped while it runs. */
interface Counted {
  child: ChildProcess;
  /** Instructions since the last zeroing (dumps the counters). */
  dump: () => number;
  zero: () => void;
}

function underCallgrind(dir: string, name: string, command: string[], env: NodeJS.ProcessEnv): Counted {
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      // V8 writes and rewrites its machine code; callgrind must notice it.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${join(dir, `${name}.%p`)}`,
      ...command,
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  let dumps = 0;
  const control = (option: string) =>
    execFileSync('callgrind_control', [option, String(child.pid)], { stdio: 'ignore' });
  return {
    child,
    zero: () => control('-z'),
    dump: () => {
      control('-d');
      dumps++;
      const text = readFileSync(join(dir, `${name}.${child.pid}.${dumps}`), 'utf8');
      const summary = /^(?:summary|totals): (\d+)/m.exec(text);
      if (summary === null) throw new Error(`no instruction count in ${name}'s callgrind dump`);
      return Number(summary[1]);
    },
  };
}

async function answers(url: string, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function send(port: number, amount: number): Promise<void> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount,
    requests: requestTemplates(),
    idReplacement: true,
    timeout: 120,
  });
  if (result['2xx'] !== amount) throw new Error(`${amount} requests sent, ${result['2xx']} answered 2xx`);
}

interface Counts {
  redis: number[];
  ingest: number[];
}

/** Instructions per request of Redis and of the ingest `script`, `repeats` times. */
async function count(script: string, requests: number, repeats: number): Promise<Counts> {
  const dir = mkdtempSync(join(tmpdir(), 'mirror-bench-instructions-'));
  const [redisPort, ingestPort] = [await freePort(), await freePort()];
  const redis = underCallgrind(
    dir,
    'redis',
    ['redis-server', '--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    process.env,
  );
  const ingest = underCallgrind(
    dir,
    'ingest',
    [process.execPath, ...INGEST_NODE_FLAGS, '--import', 'tsx', script],
    {
      ...process.env,
      INGEST_PORT: String(ingestPort),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      QUEUE_PREFIX: 'bench-instructions',
      LOG_LEVEL: 'info',
      WEBHOOK_BASIC_AUTH: BASIC_AUTH,
    },
  );
  try {
    // Starting node and compiling the TypeScript under callgrind takes a minute or more.
    await answers(`http://127.0.0.1:${ingestPort}/readyz`, 600);
    await send(ingestPort, WARMUP_REQUESTS);
    const counts: Counts = { redis: [], ingest: [] };
    for (let repeat = 0; repeat < repeats; repeat++) {
      redis.zero();
      ingest.zero();
      await send(ingestPort, requests);
      counts.ingest.push(ingest.dump() / requests);
      counts.redis.push(redis.dump() / requests);
    }
    return counts;
  } finally {
    for (const { child } of [ingest, redis]) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const thousands = (n: number) => `${(n / 1000).toFixed(1)}k`;

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      against: { type: 'string' },
      requests: { type: 'string', default: '3000' },
      repeats: { type: 'string', default: '3' },
    },
  });
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    console.log('valgrind is not installed (Debian: apt-get install valgrind); nothing measured');
    return;
  }
  const requests = Number(values.requests);
  const repeats = Number(values.repeats);
  const targets = new Map([['ingest', join(ROOT, 'apps/ingest/src/main.ts')]]);
  if (values.against !== undefined) targets.set(`ingest@${values.against}`, ingestOfCommit(values.against));
  console.log(
    `instructions per webhook (callgrind), ${requests} requests per repeat after ${WARMUP_REQUESTS} of warm-up, ` +
      `${CONNECTIONS} connections, ${repeats} repeats; every body a new event`,
  );
  const medians = new Map<string, { redis: number; ingest: number }>();
  for (const [target, script] of targets) {
    const counts = await count(script, requests, repeats);
    const m = { redis: median(counts.redis), ingest: median(counts.ingest) };
    medians.set(target, m);
    console.log(
      `  ${target.padEnd(16)} Redis ${thousands(m.redis)} (${counts.redis.map(thousands).join(', ')})   ` +
        `ingest ${thousands(m.ingest)} (${counts.ingest.map(thousands).join(', ')})`,
    );
  }
  const now = medians.get('ingest')!;
  const before = values.against === undefined ? undefined : medians.get(`ingest@${values.against}`);
  if (before !== undefined) {
    const change = (a: number, b: number) => `${a >= b ? '+' : ''}${((a / b - 1) * 100).toFixed(1)}%`;
    console.log(
      `  ingest against ingest@${values.against}: Redis ${change(now.redis, before.redis)}, ` +
        `ingest ${change(now.ingest, before.ingest)} (indicative), both ${change(now.redis + now.ingest, before.redis + before.ingest)}`,
    );
  }
}

/** Registered in bench/main.ts. */
export const benchmark: Benchmark = {
  description:
    'CPU instructions per webhook of Redis and the ingest (callgrind), optionally against another commit',
  run,
};
