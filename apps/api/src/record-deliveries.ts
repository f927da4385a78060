import type { PrismaClient } from '@mirror/db';
import type { RecordDeliveries } from './use-cases/fulfil-reward';

/**
 * The worker's one code path (store and project in one transaction), bound to a client: the
 * API appends its reward fulfilments through it, exactly as the worker records a webhook.
 */
export function recordDeliveries(_prisma: PrismaClient): RecordDeliveries {
  return () => Promise.reject(new Error('recordEvents is not available yet'));
}
