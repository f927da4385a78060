import type { PrismaClient } from '@mirror/db';

/**
 * Runs `sql` (a lock, a row lock) in a transaction of its own and keeps it open until `release`
 * is called, as a long rebuild or a slow writer would: for tests of what waits on it.
 * @returns once `sql` has run (or the transaction failed, which `release` then throws).
 */
export async function holdInTransaction(
  prisma: PrismaClient,
  sql: string,
  timeoutMs = 120_000,
): Promise<{ release: () => Promise<void> }> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const transaction = prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(sql);
      locked();
      await released;
    },
    { timeout: timeoutMs },
  );
  await Promise.race([held, transaction]);
  return {
    release: async () => {
      release();
      await transaction;
    },
  };
}
