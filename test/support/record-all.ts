import type { PrismaClient } from '@mirror/db';
import type { EventOrigin } from '@mirror/event-store';
import { EventRecorder, recordEvents } from '@mirror/projections';
import type { GeneratedDelivery } from './event-arbitrary';

/** Records deliveries one at a time, in the given order (one worker, one job at a time). */
export async function recordSequentially(
  prisma: PrismaClient,
  deliveries: readonly GeneratedDelivery[],
): Promise<void> {
  for (const { delivery, origin } of deliveries) await recordEvents(prisma, [delivery], { origin });
}

/**
 * Records deliveries with `callers` concurrent callers per client, over several clients (each
 * its own connection pool, as separate worker processes would have): every caller takes the
 * next delivery in the given order as soon as it is free, so jobs interleave for real. Each
 * client records through `EventRecorder`s with one transaction in flight per origin, as a worker process
 * does, so calls that arrive together share a statement (and fall back to a transaction when
 * a redelivery is among them).
 */
export async function recordConcurrently(
  clients: readonly PrismaClient[],
  deliveries: readonly GeneratedDelivery[],
  callers: number,
): Promise<void> {
  let next = 0;
  const caller = async (recorders: Record<EventOrigin, EventRecorder>) => {
    for (let i = next++; i < deliveries.length; i = next++) {
      const { delivery, origin } = deliveries[i] as GeneratedDelivery;
      await recorders[origin].record(delivery);
    }
  };
  await Promise.all(
    clients.flatMap((prisma) => {
      const recorders = {
        webhook: new EventRecorder(prisma, { lanes: 1, origin: 'webhook' }),
        mirror: new EventRecorder(prisma, { lanes: 1, origin: 'mirror' }),
        reconcile: new EventRecorder(prisma, { lanes: 1, origin: 'reconcile' }),
      };
      return Array.from({ length: callers }, () => caller(recorders));
    }),
  );
}
