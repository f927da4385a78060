// `pnpm bench add-script [--jobs 32000] [--rounds 3]`: Redis CPU per job of the ingest's add
// command (BullMQ's addStandardJob script, 16 jobs per EVALSHA, as under the ingest bench), with
// and without the delivery-identity claim every new delivery makes (`JobClaim`), next to
// variants of the same script without its events-stream XADDs or its cjson.encode, and, as the
// floor, a script that only LPUSHes the same arguments. What it answers: what the claim costs,
// and how much of Redis' share is BullMQ's job layout, i.e. what an add script of our own could
// save at most.
import { createHash, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import type { Benchmark } from './main';
import {
  createRedisConnection,
  removeKeysByPrefix,
  WEBHOOK_JOB_NAME,
  WEBHOOK_JOB_OPTIONS,
} from '../packages/queue/src';
import { addCommandArguments, batchedLua, bullmqAddScript } from '../packages/queue/src/standard-job-script';
import { median, redisCpuSeconds } from './support/process-cpu';

const JOBS_PER_COMMAND = 16;

/** The variant whose jobs claim an identity marker, as the ingest's new deliveries do. */
const CLAIMING = 'the ingest (claim)';

/** Each variant rewrites BullMQ's script; the jobs of all but {@link CLAIMING} claim nothing. */
const VARIANTS: Record<string, (lua: string) => string> = {
  "BullMQ's script": (lua) => lua,
  [CLAIMING]: (lua) => lua,
  'without XADD': (lua) =>
    lua
      .replace('local rcall = redis.call', 'local rcall = redis.call\nlocal function skip() end')
      .replaceAll('rcall("XADD"', 'skip("XADD"'),
  'without cjson.encode': (lua) =>
    lua.replace('local jsonOpts = cjson.encode(opts)', 'local jsonOpts = "{}"'),
  'LPUSH only (floor)': () => 'redis.call("LPUSH", KEYS[1], ARGV[2]) return "x"',
};

async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { jobs: { type: 'string', default: '32000' }, rounds: { type: 'string', default: '3' } },
  });
  const jobs = Number(values.jobs);
  const redis = createRedisConnection(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', {
    role: 'consumer',
  });
  const prefix = `bench-add-script-${process.pid}`;
  const queue = new Queue('q', { connection: redis, prefix });
  await queue.waitUntilReady();
  // The ingest's own keys and job arguments, and BullMQ's script as the ingest wraps it.
  const { keys, forJob } = addCommandArguments(queue, WEBHOOK_JOB_NAME, WEBHOOK_JOB_OPTIONS);
  const bullmqLua = await bullmqAddScript(queue, redis, keys.length);
  // A new delivery as the ingest's job carries it (`buildWebhookJob`).
  const data = {
    rawBody: JSON.stringify({ event_name: 'order_success', data: { note: 'x'.repeat(1000) } }),
    idempotencyKey: `content:${'a'.repeat(64)}:1764950000000000`,
    receiptStamp: '1764950000000000',
    receivedAt: 1764950000000,
    receiptId: randomUUID(),
  };
  const perJob: Record<string, number[]> = {};
  console.log(
    `${jobs} jobs per variant and round, ${JOBS_PER_COMMAND} per EVALSHA, ${(JSON.stringify(data).length / 1024).toFixed(1)} KiB of job data each`,
  );
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      // Each round starts with another variant: the first after a clean-up pays for Redis
      // shrinking its tables.
      const names = Object.keys(VARIANTS);
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const variant of order) {
        const rewrite = VARIANTS[variant]!;
        const lua = batchedLua(rewrite(bullmqLua));
        const sha = createHash('sha1').update(lua).digest('hex');
        await redis.script('LOAD', lua);
        const commands: (string | Buffer)[][] = [];
        for (let start = 0; start < jobs; start += JOBS_PER_COMMAND) {
          const command: (string | Buffer)[] = [...keys];
          for (let n = start; n < start + JOBS_PER_COMMAND; n++) {
            // A fresh receipt id as job id, and for the ingest a window marker of its own.
            const jobId = randomUUID();
            const claim =
              variant === CLAIMING
                ? {
                    marker: `identity:window:${createHash('sha256').update(jobId).digest('hex')}`,
                    ttlMs: 3_600_000,
                    rule: 'content-window',
                  }
                : undefined;
            command.push(...forJob(jobId, data, claim));
          }
          commands.push(command);
        }
        const before = await redisCpuSeconds(() => redis.info('cpu'));
        let next = 0;
        // Four commands in flight, as the ingest has several turns' commands on the wire.
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (next < commands.length) await redis.evalsha(sha, keys.length, ...commands[next++]!);
          }),
        );
        const micros = (((await redisCpuSeconds(() => redis.info('cpu'))) - before) * 1e6) / jobs;
        (perJob[variant] ??= []).push(micros);
        await queue.obliterate({ force: true });
        await removeKeysByPrefix(redis, `${prefix}:q:identity:`);
      }
    }
  } finally {
    await queue.close();
    await removeKeysByPrefix(redis, prefix);
    await redis.quit();
  }
  for (const [variant, values] of Object.entries(perJob)) {
    console.log(
      `  ${variant.padEnd(22)} ${median(values).toFixed(1).padStart(6)} µs of Redis CPU per job  (rounds: ${values.map((v) => v.toFixed(1)).join(', ')})`,
    );
  }
}

/** Registered in bench/main.ts. */
export const benchmark: Benchmark = {
  description: "Redis CPU per job of BullMQ's add script against leaner variants and an LPUSH floor",
  run,
};
