import { loadFixtures } from '../../../packages/catalog/src/test-fixtures';
import { eventIdentityOf } from '@mirror/delivery-identity';
import type { Sendable } from './traffic';

/** Reverses an object's key order at every level: the same JSON value, other bytes. */
function reordered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reordered);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

/** A body of the corpus and the spellings of it that Rehook might send on a retry. */
export interface CorpusItem extends Sendable {
  /** The same JSON value serialized differently (key order, whitespace): one key for all. */
  spellings: string[];
}

/**
 * `count` distinct bodies from the shared Rehook fixtures (its own source id and a variant
 * field each) that keep the fixtures' natural ids (transaction, redemption, coupon): bodies that
 * share one are one occurrence, one event (their `key`s are equal), so exactly-once must hold on
 * those ids too.
 */
export function fixtureCorpus(count: number, tag: string): CorpusItem[] {
  const fixtures = loadFixtures();
  return Array.from({ length: count }, (_, i) => {
    const body = structuredClone(fixtures[i % fixtures.length]?.body ?? {});
    if (typeof body['source_id'] === 'string' && body['source_id'] !== '')
      body['source_id'] = `${tag}-${i % 7}`;
    body['metadata'] = { ...(body['metadata'] as Record<string, unknown>), faults_variant: i };
    const rawBody = JSON.stringify(body);
    return {
      key: eventIdentityOf(rawBody, body),
      rawBody,
      spellings: [rawBody, JSON.stringify(reordered(body)), JSON.stringify(body, null, 2)],
    };
  });
}
