import type { WalletEntry } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { defineRegisterTable } from '../merge/define-table';
import { column, type FieldSpec, naturalKey, reportedBy } from '../merge/fields';
import { int8, numeric, text, timestamp } from '../sql/columns';
import { toAmount, type Amount } from '../values/amount';
import { checkedDateOrNull } from '../values/checked';
import { assertNever, type EventOf, readModel } from './read-model';

/**
 * The wallet ledger: one entry per (transaction id, direction), whichever events report it (a
 * wallet-type `customer.rewarded` and a `wallet.credited` for the same transaction count once).
 * The direction comes from the event name, never from the payload's `type` (the documented
 * `wallet.debited` says "credit"). An entry keeps the attributes of its earliest report.
 * Balances are sums over these rows at read time, so there is no counter to drift.
 */
export const WALLET_LEDGER_EVENTS = ['wallet.credited', 'wallet.debited', 'customer.rewarded'] as const;

export type Direction = 'credit' | 'debit';

export interface WalletTransactionRow {
  transactionId: string;
  direction: Direction;
  sourceId: string;
  points: Amount;
  description: string | null;
  occurredAt: Date;
  stamp: bigint;
  key: string;
}

export interface WalletTransactionChange {
  table: 'wallet_transactions';
  row: WalletTransactionRow;
}

function entry(
  event: EventOf<(typeof WALLET_LEDGER_EVENTS)[number]>,
  wallet: WalletEntry,
  direction: Direction,
  meta: EventMeta,
): Change[] {
  const row: WalletTransactionRow = {
    transactionId: wallet.transactionId,
    direction,
    sourceId: event.sourceId,
    points: toAmount(wallet.points, 'wallet points'),
    description: wallet.description,
    occurredAt: checkedDateOrNull(wallet.createdAt, 'wallet created_at') ?? meta.receivedAt,
    stamp: meta.receiptStamp,
    key: meta.idempotencyKey,
  };
  return [{ table: 'wallet_transactions', row }];
}

function projectWalletLedger(
  event: EventOf<(typeof WALLET_LEDGER_EVENTS)[number]>,
  meta: EventMeta,
): Change[] {
  const { name } = event;
  switch (name) {
    case 'wallet.credited':
      return entry(event, event.data.wallet, 'credit', meta);
    case 'wallet.debited':
      return entry(event, event.data.wallet, 'debit', meta);
    case 'customer.rewarded':
      // A wallet reward: Rehook already credited it, under this transaction id.
      return event.data.wallet === null ? [] : entry(event, event.data.wallet, 'credit', meta);
    default:
      return assertNever(name);
  }
}

export const walletLedger = readModel('wallet-ledger', WALLET_LEDGER_EVENTS, projectWalletLedger);

export const walletTransactionsTable = defineRegisterTable<WalletTransactionRow>(
  'wallet_transactions',
  'first',
  {
    transactionId: naturalKey('transaction_id'),
    direction: naturalKey('direction') as FieldSpec<Direction>,
    sourceId: reportedBy(column('source_id', 'text', text)),
    points: reportedBy(column('points', 'numeric', numeric)),
    description: reportedBy(column('description', 'text', text)),
    occurredAt: reportedBy(column('occurred_at', 'timestamptz', timestamp)),
    stamp: reportedBy(column('stamp', 'bigint', int8)),
    key: reportedBy(column('stamp_key', 'text', text)),
  },
);
