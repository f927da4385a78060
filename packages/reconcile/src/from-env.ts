import type { MirrorEnv } from '@mirror/config';
import type { Logger } from '@mirror/logger';
import { RehookApiClient } from '@mirror/rehook-api';

/**
 * The API client the environment configures, or null while `REHOOK_API_KEY` or
 * `REHOOK_API_SECRET` is unset: then reconciliation is off.
 */
export function rehookClientFromEnv(env: MirrorEnv, logger?: Logger): RehookApiClient | null {
  if (env.REHOOK_API_KEY === undefined || env.REHOOK_API_SECRET === undefined) return null;
  return new RehookApiClient({
    baseUrl: env.REHOOK_API_URL,
    apiKey: env.REHOOK_API_KEY,
    apiSecret: env.REHOOK_API_SECRET,
    concurrency: env.RECONCILE_CONCURRENCY,
    ...(logger ? { logger } : {}),
  });
}

/** Why reconciliation is off, for the CLI and the worker's log. */
export const RECONCILE_OFF =
  'reconciliation is off: set REHOOK_API_KEY and REHOOK_API_SECRET (and REHOOK_API_URL if not https://api.rehook.ai)';
