import {
  applyChanges,
  COUPON_EVENTS,
  foldCustomerHistory,
  foldEventsMentioning,
  type FoldedCustomer,
  IDENTITY_EVENTS,
  REFERRAL_EVENTS,
  SEGMENT_EVENTS,
  WALLET_LEDGER_EVENTS,
  WEBHOOK_REWARD_EVENTS,
} from '@mirror/projections';
import { readModelDiffSql, type DifferingRow, differencesOf } from './compare-sql';
import type { Difference } from './difference';
import { CLEAR_RECOMPUTED, type Snapshot } from './snapshot';

/** Later than any receipt: in a snapshot, the snapshot alone bounds what a customer's fold reads. */
const END_OF_TIME = new Date('9999-12-31T23:59:59.999Z');

/** Ids of rows that other customers' events may shape too, by kind. */
interface Ids {
  transactionIds: string[];
  rewardIds: string[];
  codes: string[];
  redemptionIds: string[];
  rehookIds: string[];
  segmentIds: string[];
  friendIds: string[];
}

type Kind = keyof Ids;

/**
 * For each kind of id, the events that report the rows it keys. Every such event names the id
 * in its body, so folding the events that mention it completes the row.
 */
const REPORTED_BY: Readonly<Record<Kind, readonly string[]>> = {
  transactionIds: WALLET_LEDGER_EVENTS,
  rewardIds: WEBHOOK_REWARD_EVENTS,
  codes: COUPON_EVENTS,
  redemptionIds: COUPON_EVENTS,
  rehookIds: IDENTITY_EVENTS,
  segmentIds: SEGMENT_EVENTS,
  friendIds: REFERRAL_EVENTS,
};

/** What the customer's fold says about them and about the rows it touched. */
function foldedIds(folded: FoldedCustomer, sourceId: string): Ids {
  const { changes } = folded;
  const own = changes.rows('customers').find((c) => c.sourceId === sourceId);
  return {
    transactionIds: changes.rows('wallet_transactions').map((r) => r.transactionId),
    rewardIds: changes.rows('webhook_rewards').map((r) => r.redemptionId),
    codes: [
      ...changes.rows('coupons').map((r) => r.code),
      ...changes.rows('coupon_redemptions').map((r) => r.code),
    ],
    // A redemption may be reported under two codes: its code is then the least of them.
    redemptionIds: changes.rows('coupon_redemptions').map((r) => r.redemptionId),
    rehookIds: [
      ...changes
        .rows('customer_identities')
        .filter((r) => r.sourceId === sourceId)
        .map((r) => r.rehookCustomerId),
      ...(own?.rehookCustomer ? [own.rehookCustomer.value] : []),
    ],
    segmentIds: changes
      .rows('segment_memberships')
      .filter((r) => r.sourceId === sourceId)
      .map((r) => r.segmentId),
    friendIds: changes.rows('referrals').map((r) => r.friendCustomerId),
  };
}

/** The same ids as the live read models hold them for this customer (one round trip). */
async function storedIds(
  { tx, live }: Snapshot,
  sourceId: string,
  rehookIds: readonly string[],
): Promise<Ids> {
  const l = `"${live.replaceAll('"', '""')}"`;
  const [row] = await tx.$queryRawUnsafe<Ids[]>(
    `WITH rehook AS (
       SELECT rehook_customer_id AS id FROM ${l}.customer_identities WHERE source_id = $1
       UNION SELECT rehook_customer_id FROM ${l}.customers WHERE source_id = $1 AND rehook_customer_id IS NOT NULL
       UNION SELECT unnest($2::text[]))
     SELECT
       ARRAY(SELECT transaction_id FROM ${l}.wallet_transactions WHERE source_id = $1) AS "transactionIds",
       ARRAY(SELECT redemption_id FROM ${l}.webhook_rewards WHERE source_id = $1) AS "rewardIds",
       ARRAY(SELECT code FROM ${l}.coupons WHERE source_id = $1
             UNION SELECT code FROM ${l}.coupon_redemptions WHERE source_id = $1) AS codes,
       ARRAY(SELECT redemption_id FROM ${l}.coupon_redemptions WHERE source_id = $1) AS "redemptionIds",
       ARRAY(SELECT id FROM rehook) AS "rehookIds",
       ARRAY(SELECT segment_id FROM ${l}.segment_memberships WHERE source_id = $1) AS "segmentIds",
       ARRAY(SELECT friend_customer_id FROM ${l}.referrals
             WHERE friend_customer_id IN (SELECT id FROM rehook)
                OR advocate_customer_id IN (SELECT id FROM rehook)) AS "friendIds"`,
    sourceId,
    rehookIds,
  );
  if (row === undefined) throw new Error('no ids row');
  return row;
}

/** Rounds of completion at most: each follows ids that the previous one brought in. */
const COMPLETION_ROUNDS = 5;

/**
 * Recomputes one customer's rows from the store with the fold that `asOf` uses, completes the
 * rows that other customers' events shape too (a wallet transaction, reward, coupon, identity or
 * referral that another customer's events also report; a row the read model gives this customer
 * but none of their events names), writes them into the emptied temporary copies with the live
 * upserts, and compares the customer's rows there and in the live tables.
 */
export async function verifyCustomer(snapshot: Snapshot, sourceId: string): Promise<Difference[]> {
  const { tx, live } = snapshot;
  await tx.$executeRawUnsafe(CLEAR_RECOMPUTED);
  const folded = await foldCustomerHistory(tx, sourceId, END_OF_TIME);
  // The fold already read the newest reports of the segments its memberships name.
  const queried: Record<Kind, Set<string>> = {
    transactionIds: new Set(),
    rewardIds: new Set(),
    codes: new Set(),
    redemptionIds: new Set(),
    rehookIds: new Set(),
    segmentIds: new Set(foldedIds(folded, sourceId).segmentIds),
    friendIds: new Set(),
  };
  let scope: Ids = foldedIds(folded, sourceId);
  for (let round = 0; round < COMPLETION_ROUNDS; round++) {
    const mine = foldedIds(folded, sourceId);
    const stored = await storedIds(snapshot, sourceId, mine.rehookIds);
    scope = { ...mine, rehookIds: stored.rehookIds, segmentIds: [...mine.segmentIds, ...stored.segmentIds] };
    let followed = false;
    for (const kind of Object.keys(REPORTED_BY) as Kind[]) {
      const fresh = [...new Set([...mine[kind], ...stored[kind]])].filter((id) => !queried[kind].has(id));
      if (fresh.length === 0) continue;
      followed = true;
      for (const id of fresh) queried[kind].add(id);
      await foldEventsMentioning(tx, folded, REPORTED_BY[kind], fresh);
    }
    if (!followed) break;
  }
  await applyChanges(tx, folded.changes);
  const rows = await tx.$queryRawUnsafe<DifferingRow[]>(
    readModelDiffSql(live, true),
    sourceId,
    scope.rehookIds,
    [...new Set(scope.segmentIds)],
  );
  return rows.flatMap((row) => differencesOf(row, sourceId));
}
