import type { PrismaClient } from '@mirror/db';
import type { MirrorEntry } from './compare';

/**
 * What the mirror holds, as reconciliation compares it: read from the read models, which are
 * projected from the event store in the same transaction as every append.
 */

/** Every customer the mirror knows (Rehook has no customer list: these are all we can check). */
export async function knownCustomers(prisma: PrismaClient): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ source_id: string }[]>(
    `SELECT source_id FROM customers WHERE source_id <> '' ORDER BY source_id`,
  );
  return rows.map((row) => row.source_id);
}

/** A customer's wallet ledger. */
export async function mirrorLedger(prisma: PrismaClient, sourceId: string): Promise<MirrorEntry[]> {
  const rows = await prisma.$queryRawUnsafe<{ transaction_id: string; direction: string; points: string }[]>(
    `SELECT transaction_id, direction, points::text AS points FROM wallet_transactions WHERE source_id = $1`,
    sourceId,
  );
  return rows.map((row) => ({
    transactionId: row.transaction_id,
    direction: row.direction,
    points: Number(row.points),
  }));
}

/**
 * The Rehook ids of the friends the mirror says this customer referred: referrals whose
 * advocate is any Rehook id the mirror has learnt for the customer.
 */
export async function mirrorReferredFriends(prisma: PrismaClient, sourceId: string): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ friend_customer_id: string }[]>(
    `SELECT DISTINCT r.friend_customer_id
       FROM referrals r
      WHERE r.advocate_customer_id IN (
              SELECT rehook_customer_id FROM customer_identities WHERE source_id = $1
              UNION
              SELECT rehook_customer_id FROM customers WHERE source_id = $1 AND rehook_customer_id IS NOT NULL)`,
    sourceId,
  );
  return rows.map((row) => row.friend_customer_id);
}
