import path from 'node:path';
import type { Deliverer } from './deliver';
import { fixtureBody, fixtureFiles } from './deliveries';

/** Every shared Rehook fixture, as published. */
export function allFixtures(): Record<string, unknown>[] {
  return fixtureFiles().map(([group, file]) => fixtureBody(group, file));
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
