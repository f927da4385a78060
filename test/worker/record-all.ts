import type { PrismaClient } from '@mirror/db';
import { recordEvents } from '@mirror/projections';
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
 * next delivery in the given order as soon as it is free, so jobs interleave for real.
 */
export async function recordConcurrently(
  clients: readonly PrismaClient[],
  deliveries: readonly GeneratedDelivery[],
  callers: number,
): Promise<void> {
  let next = 0;
  const caller = async (prisma: PrismaClient) => {
    for (let i = next++; i < deliveries.length; i = next++) {
      const { delivery, origin } = deliveries[i] as GeneratedDelivery;
      await recordEvents(prisma, [delivery], { origin });
    }
  };
  await Promise.all(clients.flatMap((prisma) => Array.from({ length: callers }, () => caller(prisma))));
}
