import type { RehookCustomer, RehookTransaction } from '@mirror/rehook-api';

/** A ledger entry of the mirror (`wallet_transactions`). */
export interface MirrorEntry {
  transactionId: string;
  direction: string;
  points: number;
}

/** A transaction as Rehook lists it, with the wallet it was listed under. */
export interface RehookEntry {
  walletId: string;
  record: RehookTransaction;
}

export type DriftKind =
  | 'missing_in_rehook'
  | 'points_differ'
  | 'missing_in_mirror'
  | 'customer_unknown_to_rehook'
  | 'referral_missing_in_mirror'
  | 'referral_missing_in_rehook';

/** A difference found and not repaired (see `ReconcileDrift` in schema.prisma). */
export interface DriftItem {
  sourceId: string;
  kind: DriftKind;
  transactionId?: string;
  direction?: string;
  mirrorPoints?: number;
  rehookPoints?: number;
  detail?: string;
}

/** What one customer's ledger comparison found. */
export interface LedgerComparison {
  /** Transactions Rehook has and the mirror lacks: to be appended as events. */
  missing: RehookEntry[];
  /** Differences the mirror cannot repair. */
  drift: DriftItem[];
}

const key = (transactionId: string, direction: string) => `${direction}\u0000${transactionId}`;

/**
 * Compares a customer's ledger in the mirror with Rehook's transactions of all the customer's
 * wallets, by natural id (transaction id and direction). Rehook's listing may repeat an item
 * (a transaction created while paging shifts newest-first pages), so it is deduplicated first.
 */
export function compareLedger(
  sourceId: string,
  mirror: readonly MirrorEntry[],
  rehook: readonly RehookEntry[],
): LedgerComparison {
  const fromRehook = new Map<string, RehookEntry>();
  for (const entry of rehook) {
    const k = key(entry.record.transaction_id, entry.record.type);
    if (!fromRehook.has(k)) fromRehook.set(k, entry);
  }
  const inMirror = new Map(mirror.map((entry) => [key(entry.transactionId, entry.direction), entry]));
  const missing: RehookEntry[] = [];
  const drift: DriftItem[] = [];
  for (const [k, entry] of fromRehook) {
    const ours = inMirror.get(k);
    if (ours === undefined) {
      missing.push(entry);
    } else if (ours.points !== entry.record.points) {
      drift.push({
        sourceId,
        kind: 'points_differ',
        transactionId: ours.transactionId,
        direction: ours.direction,
        mirrorPoints: ours.points,
        rehookPoints: entry.record.points,
      });
    }
  }
  for (const [k, entry] of inMirror) {
    if (!fromRehook.has(k)) {
      drift.push({
        sourceId,
        kind: 'missing_in_rehook',
        transactionId: entry.transactionId,
        direction: entry.direction,
        mirrorPoints: entry.points,
      });
    }
  }
  return { missing, drift };
}

/**
 * Why a referral Rehook lists and the mirror lacks stays drift (rest-api.md 3.4): the list's
 * items are customers (`id`, `source_id`) with no campaign, code or points, and the mirror keys a
 * referral by campaign and friend. A repair without the campaign would be a second referral the
 * day the webhook arrives with it; the referral webhooks are the only source.
 */
export const REFERRAL_NOT_REPAIRED =
  "; not repaired: Rehook's referral list names no campaign, and a referral is keyed by campaign and friend";

/**
 * Compares the friends Rehook lists for an advocate (by Rehook customer id) with the referrals
 * the mirror holds for that advocate. Rehook's list carries no campaign, and the mirror keys a
 * referral by campaign and friend, so a referral cannot be rebuilt from it: differences are
 * drift, both ways.
 */
export function compareReferrals(
  sourceId: string,
  mirrorFriends: readonly string[],
  rehookFriends: readonly RehookCustomer[],
): DriftItem[] {
  const ours = new Set(mirrorFriends);
  const theirs = new Set(rehookFriends.map((friend) => friend.id));
  const drift: DriftItem[] = [];
  for (const friend of rehookFriends) {
    if (!ours.has(friend.id)) {
      ours.add(friend.id);
      drift.push({
        sourceId,
        kind: 'referral_missing_in_mirror',
        detail: `${friend.source_id ? `${friend.id} (${friend.source_id})` : friend.id}${REFERRAL_NOT_REPAIRED}`,
      });
    }
  }
  for (const friend of mirrorFriends) {
    if (!theirs.has(friend)) {
      theirs.add(friend);
      drift.push({ sourceId, kind: 'referral_missing_in_rehook', detail: friend });
    }
  }
  return drift;
}
