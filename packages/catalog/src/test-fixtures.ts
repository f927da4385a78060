import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared Rehook fixtures (`/work/shared/rehook/fixtures` beside the repository), read by
 * tests at run time so that they always test the files as published. Test support only: not
 * exported from the package.
 */
export const FIXTURES_DIR = path.resolve(__dirname, '../../../../shared/rehook/fixtures');

export interface Fixture {
  /** `documented` (printed in Rehook's reference) or `assumed` (our guess). */
  group: string;
  /** File name, e.g. `customer.rewarded.wallet.json`. */
  file: string;
  body: Record<string, unknown>;
}

let cache: Fixture[] | undefined;

/**
 * Every fixture, parsed (fresh copies: tests may change them). Throws when the directory is
 * missing, so that tests cannot pass vacuously.
 */
export function loadFixtures(): Fixture[] {
  cache ??= readFixtures();
  return cache.map((f) => ({ ...f, body: structuredClone(f.body) }));
}

function readFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const group of readdirSync(FIXTURES_DIR).sort()) {
    for (const file of readdirSync(path.join(FIXTURES_DIR, group)).sort()) {
      if (!file.endsWith('.json')) continue;
      const body: unknown = JSON.parse(readFileSync(path.join(FIXTURES_DIR, group, file), 'utf8'));
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new Error(`${group}/${file} is not a JSON object`);
      }
      fixtures.push({ group, file, body: body as Record<string, unknown> });
    }
  }
  return fixtures;
}

/** The fixture `group/file`, e.g. `fixture('documented', 'wallet.debited.json')`. */
export function fixture(group: string, file: string): Record<string, unknown> {
  const found = loadFixtures().find((f) => f.group === group && f.file === file);
  if (found === undefined) throw new Error(`no fixture ${group}/${file}`);
  return found.body;
}
