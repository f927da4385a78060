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
