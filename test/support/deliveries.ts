import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { idempotencyKeyFromBody, type WebhookJobData } from '@mirror/queue';

/** The shared Rehook fixtures, beside the repository (`../shared/rehook/fixtures`). */
export const FIXTURES_DIR = path.resolve(__dirname, '../../../shared/rehook/fixtures');

/** A fixture's raw text, e.g. `fixtureText('documented', 'wallet.debited.json')`. */
export function fixtureText(group: 'documented' | 'assumed', file: string): string {
  return readFileSync(path.join(FIXTURES_DIR, group, file), 'utf8');
}

/**
 * A webhook body as a test sends it: any JSON object, well-formed or not (tests send malformed
 * ones on purpose). Well-formed ones come from `@mirror/rehook-bodies`.
 */
export type WebhookBody = Record<string, unknown>;

/** A fixture parsed. */
export function fixtureBody(group: 'documented' | 'assumed', file: string): WebhookBody {
  return JSON.parse(fixtureText(group, file)) as WebhookBody;
}

/** Every fixture file as `[group, file]`. */
export function fixtureFiles(): ['documented' | 'assumed', string][] {
  return (['documented', 'assumed'] as const).flatMap((group) =>
    readdirSync(path.join(FIXTURES_DIR, group))
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file): ['documented' | 'assumed', string] => [group, file]),
  );
}

/** A receipt stamp for the n-th event of a test: 2023-11-14, one millisecond apart. */
export function stampAt(n: number): bigint {
  return 1_700_000_000_000_000n + BigInt(n) * 1000n;
}

/**
 * A delivery of `body` as the ingest would enqueue it: the body-hash idempotency key and a
 * receipt stamp (the n-th one of the test, see {@link stampAt}).
 */
export function deliveryOf(
  body: WebhookBody | string,
  n: number,
  options: { key?: string } = {},
): WebhookJobData {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const stamp = stampAt(n);
  return {
    rawBody,
    idempotencyKey:
      options.key ??
      (typeof body === 'string'
        ? `raw:${createHash('sha256').update(body).digest('hex')}`
        : idempotencyKeyFromBody(body)),
    receiptStamp: stamp.toString(),
    receivedAt: Number(stamp / 1000n),
  };
}
