import type { Logger } from '@mirror/logger';
import type { Redis } from '@mirror/queue';

/** Fields of a Redis `INFO` answer (`key:value` lines; `#` lines are section headers). */
export function parseRedisInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** What the start-up check found wrong with Redis, as log-ready warnings. */
export function redisPolicyWarnings(info: Map<string, string>): string[] {
  const warnings: string[] = [];
  const policy = info.get('maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction') {
    warnings.push(
      `Redis maxmemory-policy is "${policy}", not "noeviction": when Redis fills up it will evict ` +
        'queued webhook jobs that were already acknowledged to Rehook, and they are lost. ' +
        'Set maxmemory-policy noeviction (BullMQ requires it).',
    );
  }
  if (info.get('aof_enabled') === '0') {
    warnings.push(
      'Redis append-only file is off: if Redis restarts, webhooks acknowledged since its last ' +
        'snapshot are lost. Set appendonly yes in production.',
    );
  }
  return warnings;
}

/**
 * Warns, loudly and at start-up, about Redis settings that lose acknowledged webhooks. Reads
 * `INFO` rather than `CONFIG GET`, which managed Redis services often disable. Never throws:
 * the ingest must run even where `INFO` is restricted.
 */
export async function checkRedisPolicy(redis: Redis, logger: Logger): Promise<string[]> {
  try {
    const info = parseRedisInfo(await redis.info());
    if (!info.has('maxmemory_policy')) {
      logger.warn('could not read Redis maxmemory-policy; make sure it is noeviction');
    }
    const warnings = redisPolicyWarnings(info);
    for (const warning of warnings) logger.warn({ check: 'redis-policy' }, warning);
    return warnings;
  } catch (error) {
    logger.warn({ err: error }, 'could not check the Redis eviction policy; make sure it is noeviction');
    return [];
  }
}
