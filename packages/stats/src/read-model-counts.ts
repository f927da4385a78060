import type { PrismaClient } from '@mirror/db';

/** Row counts of the read models (what a rebuild would reproduce). */
export async function readModelCounts(prisma: PrismaClient): Promise<Record<string, number>> {
  const counts: Record<string, () => Promise<number>> = {
    customers: () => prisma.customer.count(),
    wallets: () => prisma.walletTransaction.groupBy({ by: ['sourceId'] }).then((rows) => rows.length),
    walletTransactions: () => prisma.walletTransaction.count(),
    pendingRewards: () =>
      prisma.webhookReward.count({ where: { fulfilledAt: null, sourceId: { not: null } } }),
    fulfilledRewards: () => prisma.webhookReward.count({ where: { fulfilledAt: { not: null } } }),
    coupons: () => prisma.coupon.count(),
    couponRedemptions: () => prisma.couponRedemption.count(),
    referrals: () => prisma.referral.count(),
    leaderboardAwards: () => prisma.leaderboardAward.count(),
    segments: () => prisma.segment.count(),
    segmentMembers: () => prisma.segmentMembership.count({ where: { isMember: true } }),
  };
  const entries = await Promise.all(
    Object.entries(counts).map(async ([name, count]) => [name, await count()]),
  );
  return Object.fromEntries(entries) as Record<string, number>;
}
