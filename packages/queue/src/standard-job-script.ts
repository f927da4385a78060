import { Job, optsEncodeMap } from 'bullmq';
import type { JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Packr } from 'msgpackr';

/**
 * Adds jobs by calling BullMQ's own `addStandardJob` Lua script directly, with the keys and the
 * options encoded once per queue instead of once per job.
 *
 * Why: on the ingest's hot path `Queue.add` cost ~6 µs of CPU per job on top of the script call
 * itself (a `Job` instance, its `asJSON`, the options re-encoded and msgpacked, the telemetry
 * wrapper, BullMQ's connection proxy), about 7% of the ingest's CPU per webhook (BENCHMARKS.md).
 * What Redis ends up holding is the same job: `standard-job-script.int.test.ts` compares the job
 * hash, the wait list and the events stream against `Queue.add` for the pinned BullMQ version,
 * and this module refuses to start if the script it calls is not the one BullMQ loaded.
 *
 * Only what the webhook jobs use is supported: no delay, priority, parent, deduplication or
 * repeat (those take other scripts); `createStandardJobScript` throws for such options.
 */

/** The script's name in BullMQ (`src/commands/addStandardJob-9.lua`). */
const SCRIPT_NAME = 'addStandardJob';

/** BullMQ packs script arguments with these msgpackr settings (its `RedisQueueBackend`). */
const packer = new Packr({ useRecords: false, encodeUndefinedAsNil: true });

/** Adds one job under `jobId` (nothing if that id exists); resolves to the job id. */
export type AddStandardJob = (jobId: string, data: unknown) => Promise<string>;

type ScriptCommand = (args: (string | Buffer)[]) => Promise<unknown>;

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
  // KEYS of addStandardJob, in its order.
  const keys = ['wait', 'paused', 'meta', 'id', 'completed', 'delayed', 'active', 'events', 'marker'].map(
    keyOf,
  );
  // The options as BullMQ's Job normalizes them (defaults, backoff shape), with its short names:
  // what `Queue.add` packs, but for the job id, which differs per job.
  const encodedOptions = encodeOptions(new Job(queue, name, {}, options).asJSON().opts);
  const packArguments = argumentsPacker(keyOf(''), name);
  const packOptions = optionsPacker(encodedOptions);
  let command: ScriptCommand | undefined;

  return async function addStandardJob(jobId, data) {
    command ??= await scriptCommand(queue, redis);
    const result = await command.call(redis, [
      ...keys,
      packArguments(jobId, Date.now()),
      JSON.stringify(data),
      packOptions(jobId),
    ]);
    // The script answers the job id, or a negative error code (only for parent jobs).
    if (typeof result !== 'string') throw new Error(`BullMQ's ${SCRIPT_NAME} answered ${String(result)}`);
    return result;
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
 * The script command BullMQ defined on the connection (`addStandardJob:<bullmq version>`), once
 * the queue is ready. Exactly one must exist: none or several means a BullMQ this module was not
 * checked against.
 */
async function scriptCommand(queue: Queue, redis: Redis): Promise<ScriptCommand> {
  await queue.waitUntilReady();
  // ioredis defines `<name>` and `<name>Buffer` for every script.
  const defined = Object.keys(redis).filter(
    (key) => key.startsWith(`${SCRIPT_NAME}:`) && !key.endsWith('Buffer'),
  );
  const command =
    defined.length === 1 ? (redis as unknown as Record<string, unknown>)[defined[0]!] : undefined;
  if (typeof command !== 'function') {
    throw new Error(
      `expected one BullMQ ${SCRIPT_NAME} script on the connection, found ${JSON.stringify(defined)}; ` +
        'check packages/queue/src/standard-job-script.ts against this BullMQ version',
    );
  }
  return command as ScriptCommand;
}
