import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Deliverer } from './deliver';
import { fixture } from './api-rehook-bodies';

const FIXTURE_GROUPS = ['documented', 'assumed'];

/** Every shared Rehook fixture, as published. */
export function allFixtures(): Record<string, unknown>[] {
  const dir = path.resolve(__dirname, '../../../shared/rehook/fixtures');
  return FIXTURE_GROUPS.flatMap((group) =>
    readdirSync(path.join(dir, group))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => fixture(`${group}/${file}`)),
  );
}

/** Delivers every fixture once, through the worker's code path. */
export async function deliverAllFixtures(deliverer: Deliverer): Promise<void> {
  await deliverer.deliver(allFixtures());
}

/** A unique BullMQ prefix for a test file. */
export function queuePrefixFor(file: string): string {
  return `api-test-${path.basename(file, '.int.test.ts')}-${process.pid}`;
}

/** ISO 8601 UTC with milliseconds, as the API writes timestamps. */
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
