// `pnpm bench idempotency-key [--bodies 200000] [--rounds 5]`: CPU per body of the SHA-256 of a
// body's canonical JSON, over the ingest bench's bodies (the Rehook fixtures, each with a
// distinct `bench_id`). Since delivery identity the ingest derives it for the bodies it
// identifies by content (the digest of a content key, `contentDigest`), not for those with an
// occurrence key; it is also the key earlier versions gave every body, which the worker still
// derives to recognise their redeliveries. Three ways, in turns, in one process:
// - shipped: `idempotencyKeyFromBody` (canonical JSON by a key-sorted copy and the native
//   `JSON.stringify`, then SHA-256: the same canonical text and digest as `contentDigest` for
//   every body without a number a double could blur);
// - writer: the same key with the canonical text written in JavaScript (`writeCanonicalJson`,
//   what bodies with digit keys or deep nesting take, and what every body took before);
// - floor: SHA-256 of the raw body, no canonical form at all (what the key would cost if
//   redeliveries were byte-identical, which DESIGN.md does not assume).
import { hash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Benchmark } from './main';
import {
  BODY_HASH_KEY_PREFIX,
  idempotencyKeyFromBody,
} from '../packages/delivery-identity/src/idempotency-key';
import { writeCanonicalJson } from '../packages/delivery-identity/src/canonical-json';
import { median } from './support/process-cpu';

const FIXTURES = join(__dirname, '../../shared/rehook/fixtures');

const WAYS: Record<string, (raw: string, body: unknown) => string> = {
  shipped: (_raw, body) => idempotencyKeyFromBody(body),
  writer: (_raw, body) => BODY_HASH_KEY_PREFIX + hash('sha256', writeCanonicalJson(body), 'hex'),
  floor: (raw) => BODY_HASH_KEY_PREFIX + hash('sha256', raw, 'hex'),
};

/** The ingest bench's bodies: each fixture with a distinct id first. */
function bodies(count: number): { raw: string; body: unknown }[] {
  const templates = ['documented', 'assumed'].flatMap((group) =>
    readdirSync(join(FIXTURES, group)).map((file) => readFileSync(join(FIXTURES, group, file), 'utf8')),
  );
  return Array.from({ length: count }, (_, i) => {
    const raw = templates[i % templates.length]!.replace(/^\s*\{/, `{"bench_id":"${i}",`);
    return { raw, body: JSON.parse(raw) as unknown };
  });
}

/** CPU µs per body of one pass of `way` over `inputs`. */
function cpuMicrosPerBody(
  way: (raw: string, body: unknown) => string,
  inputs: ReturnType<typeof bodies>,
): number {
  const start = process.cpuUsage();
  let length = 0;
  for (const { raw, body } of inputs) length += way(raw, body).length;
  const used = process.cpuUsage(start);
  if (length !== inputs.length * (BODY_HASH_KEY_PREFIX.length + 64)) throw new Error('unexpected key length');
  return (used.user + used.system) / inputs.length;
}

function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { bodies: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } },
  });
  const inputs = bodies(Number(values.bodies));
  const rounds = Number(values.rounds);
  // The shipped key and the writer's must agree on every body, or the comparison is moot.
  for (const { raw, body } of inputs.slice(0, 1000)) {
    if (WAYS['shipped']!(raw, body) !== WAYS['writer']!(raw, body)) throw new Error(`keys differ for ${raw}`);
  }
  console.log(
    `${inputs.length} bodies (mean ${Math.round(inputs.reduce((n, i) => n + i.raw.length, 0) / inputs.length)} characters), ${rounds} rounds, the ways in turns`,
  );
  const figures: Record<string, number[]> = Object.fromEntries(Object.keys(WAYS).map((name) => [name, []]));
  for (const name of Object.keys(WAYS)) cpuMicrosPerBody(WAYS[name]!, inputs.slice(0, 20_000)); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = Object.keys(WAYS);
    for (let turn = 0; turn < round % order.length; turn++) order.push(order.shift()!);
    for (const name of order) figures[name]!.push(cpuMicrosPerBody(WAYS[name]!, inputs));
  }
  const shipped = median(figures['shipped']!);
  for (const [name, values_] of Object.entries(figures)) {
    const m = median(values_);
    console.log(
      `  ${name.padEnd(8)} ${m.toFixed(2).padStart(6)} µs CPU per body (median; rounds ${values_.map((v) => v.toFixed(2)).join(', ')})` +
        (name === 'shipped' ? '' : `   shipped / ${name}: ${(shipped / m).toFixed(2)}`),
    );
  }
  return Promise.resolve();
}

export const benchmark: Benchmark = {
  description:
    'CPU per body of the canonical-JSON SHA-256 (content keys): shipped canonical JSON vs the JS writer vs hashing raw bytes',
  run,
};
