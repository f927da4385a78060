import { z } from 'zod';

import type { WalletEntry, WalletEvent } from '../events';
import { missingOrWrong, WRONG_TYPE } from '../values';
import { idAsSent, optionalText, pointsAsSent, timestamp, type IdAsSent, type PointsAsSent } from './fields';
import { tolerantObject } from './tolerant-object';

/**
 * `metadata.wallet`. Its `type` is deliberately not read: the documented wallet.debited example
 * says `"type": "credit"`, a copy-paste slip; the direction comes from the event name.
 */
export const WalletPayload = tolerantObject({
  transaction_id: idAsSent,
  points: pointsAsSent,
  description: optionalText,
  created_at: timestamp,
});
export type WalletPayload = z.output<typeof WalletPayload>;

/** The metadata fields a wallet entry is made of: the wallet, and the points beside it. */
interface WalletSource {
  points: PointsAsSent;
  wallet: {
    transaction_id: IdAsSent;
    points: PointsAsSent;
    description: string | null;
    created_at: Date | null;
  };
}

/**
 * The ledger entry a wallet event (or a wallet-type customer.rewarded) reports, or `null` after
 * adding an issue for each field it lacks. The transaction id and the points are its key and its
 * amount, so both are required. Points come from `wallet.points` (the amount of the transaction),
 * falling back to `metadata.points` when the wallet does not carry them.
 */
export function readWalletEntry(
  source: WalletSource,
  direction: WalletEntry['direction'],
  ctx: z.core.$RefinementCtx,
): WalletEntry | null {
  const { wallet } = source;
  const transactionId = wallet.transaction_id.id;
  if (transactionId === null) {
    ctx.addIssue({
      code: 'custom',
      message: missingOrWrong(wallet.transaction_id.raw, 'a string'),
      path: ['wallet', 'transaction_id'],
    });
  }
  const [sent, path] =
    wallet.points.amount === null ? [source.points, ['points']] : [wallet.points, ['wallet', 'points']];
  let points: number | null = null;
  if (sent.amount === null) {
    ctx.addIssue({ code: 'custom', message: 'is missing', path: ['wallet', 'points'] });
  } else if (sent.amount === WRONG_TYPE) {
    ctx.addIssue({ code: 'custom', message: missingOrWrong(sent.raw, 'a number'), path });
  } else if (sent.amount < 0) {
    ctx.addIssue({ code: 'custom', message: 'must not be negative', path });
  } else {
    points = sent.amount;
  }
  if (transactionId === null || points === null) return null;
  return {
    transactionId,
    direction,
    points,
    description: wallet.description,
    createdAt: wallet.created_at,
  };
}

const WalletEventFields = tolerantObject({ points: pointsAsSent, wallet: WalletPayload });

function walletEventPayload(direction: WalletEntry['direction']) {
  return WalletEventFields.transform((metadata, ctx): WalletEvent['data'] => {
    const wallet = readWalletEntry(metadata, direction, ctx);
    return wallet === null ? z.NEVER : { wallet };
  });
}

/** wallet.credited: a credit of `wallet.points`, keyed by `wallet.transaction_id`. */
export const WalletCreditedPayload = walletEventPayload('credit');
export type WalletCreditedPayload = z.output<typeof WalletCreditedPayload>;

/** wallet.debited: a debit, whatever the payload's `type` says. */
export const WalletDebitedPayload = walletEventPayload('debit');
export type WalletDebitedPayload = z.output<typeof WalletDebitedPayload>;
