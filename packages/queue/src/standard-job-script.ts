import { createHash } from 'node:crypto';
import { Job, optsEncodeMap } from 'bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import { Command } from 'ioredis';
import type { Redis } from 'ioredis';
import { Packr } from 'msgpackr';
import { createTurnBatcher } from './turn-batcher';

/**
 * Adds jobs by running BullMQ's own `addStandardJob` Lua script directly, once per job but many
 * jobs per Redis command, with the keys and the options encoded once per queue.
 *
 * Why: on the ingest's hot path `Queue.add` cost ~6 µs of CPU per job on top of the script call
 * itself (a `Job` instance, its `asJSON`, the options re-encoded and msgpacked, the telemetry
 * wrapper, BullMQ's connection proxy), and each script command another ~15 µs in ioredis and
 * several in Redis (parsing, dispatch, reply) (BENCHMARKS.md). The adds requested during one
 * event-loop turn go to Redis as one command (`createTurnBatcher`): a script that defines
 * BullMQ's script, unchanged, as a Lua function and calls it for each job in order. Redis runs
 * nothing else in between, but does not roll a script back: if one fails midway the jobs before
 * the failure stay added, so every job of a failed command is reported not added (the ingest
 * answers 503) and the retry is deduplicated by job id. What Redis ends up holding is what
 * `Queue.add` leaves: `standard-job-script.int.test.ts` compares the job
 * hashes, the wait list, the marker and the events stream against `Queue.add` for the pinned
 * BullMQ version, and this module refuses to start unless the script it wraps is the one BullMQ
 * defined on the connection.
 *
 * Only what the webhook jobs use is supported: no delay, priority, parent, deduplication or
 * repeat (those take other scripts); `createStandardJobScript` throws for such options.
 */

/** The script's name in BullMQ (`src/commands/addStandardJob-9.lua`). */
const SCRIPT_NAME = 'addStandardJob';

/**
 * Most jobs in one command. Redis runs nothing else while a script runs: 100 webhook jobs take
 * about 2-4 ms of it. Under the ingest bench's 64 connections a turn brings fewer than that.
 */
export const MAX_JOBS_PER_COMMAND = 100;

/**
 * A command also closes once its job data reaches this many UTF-16 units (~1 MB of ASCII JSON),
 * so that a burst of large bodies (up to `WEBHOOK_MAX_BODY_BYTES` each) does not make one
 * command of a hundred megabytes.
 */
export const MAX_DATA_PER_COMMAND = 1_048_576;

/** BullMQ packs script arguments with these msgpackr settings (its `RedisQueueBackend`). */
const packer = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

/**
 * What one add did: `added` is false when a job with this id already existed (nothing changed),
 * or when the job's claim found its marker taken: then `claimedBy` is the event key the marker
 * holds, and the job was added as a redelivery of that event.
 */
export interface AddedJob {
  jobId: string;
  added: boolean;
  claimedBy?: string;
}

/**
 * The ingest's delivery-identity decision, taken in the same script as the add, so that it is
 * atomic across any number of ingest replicas: `SET marker <the job's idempotencyKey> NX PX ttl
 * GET`. When the marker was free, the job is added as it is, the first delivery of its event.
 * When it held an event key, the job is added with that key as its `idempotencyKey` and
 * `redelivery: rule`: a redelivery the worker records against that event.
 *
 * Only a new delivery claims, and its job id is its fresh receipt id: such a job cannot exist
 * yet, so the script does not look for it (that `EXISTS`, and building the data in Lua, cost
 * ~1 µs of Redis CPU per job; BENCHMARKS.md, add-script). A job that claims nothing (an import
 * that replays an earlier decision under its old receipt id) is looked for.
 */
export interface JobClaim {
  marker: string;
  ttlMs: number;
  rule: string;
}

/** Adds one job under `jobId`, unless a job with that id exists; `claim`: see {@link JobClaim}. */
export type AddStandardJob = (jobId: string, data: unknown, claim?: JobClaim) => Promise<AddedJob>;

type ScriptCommand = (args: (string | Buffer)[]) => Promise<unknown>;

/**
 * One job's arguments: its key, BullMQ's packed arguments, the data (JSON, its
 * `idempotencyKey` last), BullMQ's packed options, the marker ('' for none), its time to live in
 * ms, the key value (JSON, how the data ends but for its closing brace), and the data's tail
 * after the key when the marker was taken.
 */
export type JobArguments = [string, Buffer, string, Buffer, string, string, string, string];

/** What the add command needs of one queue: its KEYS, and each job's arguments. */
export interface AddCommandArguments {
  /** The KEYS of BullMQ's `addStandardJob`, in its order. */
  keys: string[];
  /** One job's arguments, stamped now. */
  forJob: (jobId: string, data: unknown, claim?: JobClaim) => JobArguments;
}

/**
 * The arguments of the add command for jobs of `queue` named `name` with `options`, encoded
 * once: only the job id, the timestamp and the data differ per job.
 */
export function addCommandArguments(queue: Queue, name: string, options: JobsOptions): AddCommandArguments {
  for (const unsupported of ['delay', 'priority', 'parent', 'deduplication', 'repeat', 'lifo']) {
    if ((options as Record<string, unknown>)[unsupported] !== undefined) {
      throw new Error(`createStandardJobScript: option ${unsupported} needs another BullMQ script`);
    }
  }
  const keyOf = (type: string): string => {
    const key = queue.keys[type];
    if (key === undefined) throw new Error(`BullMQ's queue has no ${JSON.stringify(type)} key`);
    return key;
  };
  // The options as BullMQ's Job normalizes them (defaults, backoff shape), with its short names:
  // what `Queue.add` packs, but for the job id, which differs per job.
  const encodedOptions = encodeOptions(new Job(queue, name, {}, options).asJSON().opts);
  const jobKeyPrefix = keyOf('');
  const packArguments = argumentsPacker(jobKeyPrefix, name);
  const packOptions = optionsPacker(encodedOptions);
  return {
    keys: ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'].map(keyOf),
    forJob: (jobId, data, claim) => [
      jobKeyPrefix + jobId,
      packArguments(jobId, Date.now()),
      ...claimArguments(jobKeyPrefix, data, claim, packOptions(jobId)),
    ],
  };
}

/** The data and claim arguments of one job (see {@link JobArguments}). */
function claimArguments(
  jobKeyPrefix: string,
  data: unknown,
  claim: JobClaim | undefined,
  options: Buffer,
): [string, Buffer, string, string, string, string] {
  if (claim === undefined) return [JSON.stringify(data), options, '', '0', '', ''];
  const { idempotencyKey } = data as { idempotencyKey: string };
  const key = JSON.stringify(idempotencyKey);
  // The key must come last, so that a redelivery's data is this data with the other key there
  // (the script cuts it without parsing the JSON), while a first delivery's data goes in as it
  // is: no string is built in Lua for the common case. `buildWebhookJob` puts it last; only
  // other producers' data is serialized again. (A nested object ending in the same member would
  // end in `}}`, so the test cannot be fooled.)
  let json = JSON.stringify(data);
  if (!json.endsWith(`"idempotencyKey":${key}}`)) {
    const { idempotencyKey: _key, ...rest } = data as { idempotencyKey: string };
    json = JSON.stringify({ ...rest, idempotencyKey });
  }
  return [
    json,
    options,
    // Beside the queue's keys (a job id never holds ':'), so removing a prefix removes markers.
    jobKeyPrefix + claim.marker,
    String(claim.ttlMs),
    key,
    `,"redelivery":${JSON.stringify(claim.rule)}}`,
  ];
}

/**
 * @param queue - the BullMQ queue; its keys are used, and its connection must be `redis`
 *   (BullMQ defines its scripts on that connection while the queue initializes).
 */
export function createStandardJobScript(
  queue: Queue,
  redis: Redis,
  name: string,
  options: JobsOptions,
): AddStandardJob {
  const { keys, forJob } = addCommandArguments(queue, name, options);
  let command: ScriptCommand | undefined;

  const addInOneCommand = createTurnBatcher<JobArguments, unknown>(
    async (jobs) => {
      command ??= await batchedScriptCommand(queue, redis, keys.length);
      const args: (string | Buffer)[] = [...keys];
      for (const job of jobs) args.push(...job);
      const answers = await command(args);
      if (!Array.isArray(answers)) throw new Error(`the batched ${SCRIPT_NAME} answered ${String(answers)}`);
      return answers as unknown[];
    },
    { maxItems: MAX_JOBS_PER_COMMAND, maxWeight: MAX_DATA_PER_COMMAND, weigh: (job) => job[2].length },
  );

  return async function addStandardJob(jobId, data, claim) {
    const answer = await addInOneCommand(forJob(jobId, data, claim));
    // [1 if the job existed before, BullMQ's answer: the job id, or a negative error code (only
    // for parent jobs), the JSON of the event key the claim's marker held, or ''].
    const [existed, answeredId, claimedBy] = Array.isArray(answer) ? (answer as unknown[]) : [];
    if (typeof answeredId !== 'string')
      throw new Error(`BullMQ's ${SCRIPT_NAME} answered ${String(answeredId)}`);
    if (typeof claimedBy === 'string' && claimedBy !== '') {
      return { jobId: answeredId, added: false, claimedBy: JSON.parse(claimedBy) as string };
    }
    return { jobId: answeredId, added: existed === 0 };
  };
}

/*
 * The two msgpack arguments, written around their only varying parts (job id, timestamp) instead
 * of packing a fresh array and map per job: packing them cost ~4 µs per job, about 5% of the
 * ingest's CPU per webhook. Format: https://github.com/msgpack/msgpack/blob/master/spec.md; the
 * Lua side decodes it with cmsgpack, whatever encoder wrote it.
 */

/** ARGV[1]: [key prefix, job id, name, timestamp, then six nils (no parent, repeat, dedup)]. */
function argumentsPacker(keyPrefix: string, name: string): (jobId: string, timestamp: number) => Buffer {
  const head = Buffer.concat([Buffer.from([0x9a]), packString(keyPrefix)]); // fixarray of 10
  const packedName = packString(name);
  return (jobId, timestamp) => {
    const idBytes = Buffer.byteLength(jobId);
    const out = Buffer.allocUnsafe(
      head.length + stringHeaderLength(idBytes) + idBytes + packedName.length + 9 + 6,
    );
    let at = head.copy(out, 0);
    at = writeString(out, at, jobId, idBytes);
    at += packedName.copy(out, at);
    out[at] = 0xcb; // float64: what msgpackr writes for a millisecond timestamp too
    at = out.writeDoubleBE(timestamp, at + 1);
    out.fill(0xc0, at); // nil
    return out;
  };
}

/** ARGV[3]: the encoded options, plus `jobId` (where `Queue.add` puts it too). */
function optionsPacker(encodedOptions: Record<string, unknown>): (jobId: string) => Buffer {
  // msgpackr packs the map with an empty job id last; that empty string (one byte, 0xa0) is the
  // only part that varies, so each job gets the rest followed by its own id.
  const packed = packer.pack({ ...encodedOptions, jobId: '' });
  if (packed[packed.length - 1] !== 0xa0) throw new Error('unexpected msgpack encoding of the job options');
  const head = packed.subarray(0, packed.length - 1);
  return (jobId) => {
    const idBytes = Buffer.byteLength(jobId);
    const out = Buffer.allocUnsafe(head.length + stringHeaderLength(idBytes) + idBytes);
    writeString(out, head.copy(out, 0), jobId, idBytes);
    return out;
  };
}

function packString(text: string): Buffer {
  const bytes = Buffer.byteLength(text);
  const out = Buffer.allocUnsafe(stringHeaderLength(bytes) + bytes);
  writeString(out, 0, text, bytes);
  return out;
}

function stringHeaderLength(bytes: number): number {
  return bytes < 32 ? 1 : bytes < 0x100 ? 2 : bytes < 0x10000 ? 3 : 5;
}

/** Writes `text` (`bytes` long in UTF-8) as a msgpack str at `at`; returns the offset after it. */
function writeString(out: Buffer, at: number, text: string, bytes: number): number {
  if (bytes < 32)
    out[at++] = 0xa0 | bytes; // fixstr
  else if (bytes < 0x100) {
    out[at++] = 0xd9; // str8
    out[at++] = bytes;
  } else if (bytes < 0x10000) {
    out[at++] = 0xda; // str16
    at = out.writeUInt16BE(bytes, at);
  } else {
    out[at++] = 0xdb; // str32
    at = out.writeUInt32BE(bytes, at);
  }
  return at + out.write(text, at, 'utf8');
}

/** BullMQ's `optsAsJSON`: long option names to the short ones it stores. */
function encodeOptions(options: object): Record<string, unknown> {
  const names = optsEncodeMap as Record<string, string>;
  const encoded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined) encoded[names[name] ?? name] = value;
  }
  return encoded;
}

/**
 * The batch command: BullMQ's `addStandardJob` script ({@link bullmqAddScript}), wrapped so
 * that one call runs it for every job.
 *
 * It is written straight to the connection (`sendCommand`) as a plain `EVALSHA` (`EVAL` when
 * Redis does not know the script yet, as after a restart), neither as a command defined with
 * ioredis' `defineCommand` nor through its auto-pipelining:
 * - under auto-pipelining a command defined after the connection queued its current pipeline is
 *   missing from that pipeline, and ioredis then misroutes that pipeline's answers and stalls
 *   the connection (seen in the tests);
 * - auto-pipelining keeps one pipeline in flight and queues everything behind it until its
 *   answers are back; the adds are grouped already, and the wait left the CPUs idle under load
 *   (BENCHMARKS.md).
 */
async function batchedScriptCommand(
  queue: Queue,
  redis: Redis,
  numberOfKeys: number,
): Promise<ScriptCommand> {
  const lua = batchedLua(await bullmqAddScript(queue, redis, numberOfKeys));
  const sha = createHash('sha1').update(lua).digest('hex');
  const send = (command: 'evalsha' | 'eval', script: string, args: (string | Buffer)[]): Promise<unknown> =>
    redis.sendCommand(
      new Command(command, [script, numberOfKeys, ...args], { replyEncoding: 'utf8' }),
    ) as Promise<unknown>;
  return async (args) => {
    try {
      return await send('evalsha', sha, args);
    } catch (error) {
      // NOSCRIPT: the script is not in Redis' cache; EVAL runs it and caches it. Nothing ran.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return send('eval', lua, args);
    }
  };
}

/**
 * The Lua of BullMQ's `addStandardJob` script as BullMQ defined it on the connection
 * (`addStandardJob:<bullmq version>`), once the queue is ready. Exactly one such script must
 * exist, with `numberOfKeys` keys: anything else means a BullMQ this module was not checked
 * against.
 */
export async function bullmqAddScript(queue: Queue, redis: Redis, numberOfKeys: number): Promise<string> {
  await queue.waitUntilReady();
  // ioredis defines `<name>` and `<name>Buffer` for every script, and keeps its source in
  // `scriptsSet`.
  const defined = Object.keys(redis).filter(
    (key) => key.startsWith(`${SCRIPT_NAME}:`) && !key.endsWith('Buffer'),
  );
  const scripts = (
    redis as unknown as { scriptsSet?: Record<string, { lua?: unknown; numberOfKeys?: unknown }> }
  ).scriptsSet;
  const script = defined.length === 1 ? scripts?.[defined[0]!] : undefined;
  if (typeof script?.lua !== 'string' || script.numberOfKeys !== numberOfKeys) {
    throw new Error(
      `expected one BullMQ ${SCRIPT_NAME} script with ${numberOfKeys} keys on the connection, found ` +
        `${JSON.stringify(defined)}; check packages/queue/src/standard-job-script.ts against this BullMQ version`,
    );
  }
  return script.lua;
}

/**
 * A script that runs `lua` (a script of `KEYS` and `ARGV`) for each job, as a function whose
 * parameters shadow the globals `KEYS` and `ARGV`, and answers, per job, whether its key
 * existed before, the script's answer and the event key its claim's marker held. Each job takes
 * the eight {@link JobArguments}. Lua's limits on locals and upvalues apply to a chunk as to any
 * function, so the wrapping changes none of them.
 *
 * The claim (`SET NX PX GET`, see {@link JobClaim}) is what tells a redelivery from a new event,
 * and, for a job that claims nothing, the `EXISTS` what tells a job id added before (BullMQ's
 * script answers the job id either way). Inside the script both are exact, across processes and
 * restarts, for one Redis command instead of a round trip.
 */
export function batchedLua(lua: string): string {
  // A shebang line (`#!lua flags=...`) must open the script; it cannot be wrapped.
  if (lua.startsWith('#!')) throw new Error('cannot wrap a script that declares flags');
  return [
    'local function addOne(KEYS, ARGV)',
    lua,
    'end',
    'local answers = {}',
    'for i = 1, #ARGV, 8 do',
    '  local existed = 0',
    '  local claimedBy = false',
    '  local data = ARGV[i + 2]',
    "  if ARGV[i + 4] == '' then",
    "    existed = redis.call('EXISTS', ARGV[i])",
    '  else',
    "    claimedBy = redis.call('SET', ARGV[i + 4], ARGV[i + 6], 'NX', 'PX', ARGV[i + 5], 'GET')",
    '    if claimedBy then',
    '      data = string.sub(data, 1, #data - #ARGV[i + 6] - 1) .. claimedBy .. ARGV[i + 7]',
    '    end',
    '  end',
    // `false` keeps a place for a script that answers nothing (Redis turns it into nil).
    '  local answer = addOne(KEYS, {ARGV[i + 1], data, ARGV[i + 3]})',
    '  if answer == nil then answer = false end',
    "  answers[#answers + 1] = {existed, answer, claimedBy or ''}",
    'end',
    'return answers',
  ].join('\n');
}
