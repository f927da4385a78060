import type { PrismaClient } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
import type { RecordDeliveries } from './use-cases/fulfil-reward';

/**
 * The worker's one code path (store and project in one transaction), bound to a client: the
 * API appends its reward fulfilments through it exactly as the worker records a webhook, with
 * origin `mirror`, the only origin from which the catalog accepts internal events.
 */
export function recordDeliveries(prisma: PrismaClient): RecordDeliveries {
  return (deliveries) => recordEvents(prisma, deliveries, { origin: 'mirror' });
}
