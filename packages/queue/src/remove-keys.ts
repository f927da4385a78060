import type { Redis } from 'ioredis';

/**
 * Deletes every key under a BullMQ prefix (`<prefix>:*`). Meant for tests and benchmarks that
 * run under a unique `QUEUE_PREFIX` and must leave a shared Redis as they found it; never point
 * it at a production prefix.
 *
 * @returns the number of keys deleted.
 */
export async function removeKeysByPrefix(redis: Redis, prefix: string): Promise<number> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}
