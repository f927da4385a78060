import { z } from 'zod';
import { Amount, pageOf, Timestamp } from './common';
import { named } from './registry';

/** A customer's wallet, derived from the ledger and the pending webhook rewards at read time. */
export const WalletSummary = named(
  'WalletSummary',
  z.strictObject({
    /** credited − debited. */
    balance: Amount,
    credited: Amount,
    debited: Amount,
    /** Points of webhook rewards not yet fulfilled (not part of the balance). */
    pendingRewardPoints: Amount,
  }),
);
export type WalletSummary = z.infer<typeof WalletSummary>;

export const WalletTransaction = named(
  'WalletTransaction',
  z.strictObject({
    transactionId: z.string(),
    direction: z.enum(['credit', 'debit']),
    /** The amount of this transaction (positive for debits too). */
    points: Amount,
    description: z.string().nullable(),
    occurredAt: Timestamp,
  }),
);
export type WalletTransaction = z.infer<typeof WalletTransaction>;
export const WalletTransactionPage = pageOf('WalletTransactionPage', WalletTransaction);
export type WalletTransactionPage = z.infer<typeof WalletTransactionPage>;

/** One ledger entry with the balance right after it, in receipt order. */
export const WalletHistoryEntry = named(
  'WalletHistoryEntry',
  z.strictObject({
    transactionId: z.string(),
    direction: z.enum(['credit', 'debit']),
    points: Amount,
    /** The balance once this entry and every one received before it are counted. */
    balance: Amount,
    occurredAt: Timestamp,
    /** When the mirror received the entry's first report: the order of the history. */
    receivedAt: Timestamp,
  }),
);
export type WalletHistoryEntry = z.infer<typeof WalletHistoryEntry>;
export const WalletHistoryPage = pageOf('WalletHistoryPage', WalletHistoryEntry);
export type WalletHistoryPage = z.infer<typeof WalletHistoryPage>;
