import type { WalletEntry } from '@mirror/catalog';
import type { Change } from '../changes';
import type { EventMeta } from '../event-meta';
import { earliest } from '../merge/registers';
import { int8, numeric, text, timestamp } from '../sql/columns';
import { takeIncoming, whereIncomingIsEarlier } from '../sql/merge-sql';
import { compositeKey, type TableSpec } from '../sql/table';
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

export const walletTransactionsTable: TableSpec<WalletTransactionRow> = {
  table: 'wallet_transactions',
  conflictTarget: ['transaction_id', 'direction'],
  columns: [
    { name: 'transaction_id', type: 'text', value: (r) => text(r.transactionId) },
    { name: 'direction', type: 'text', value: (r) => text(r.direction) },
    { name: 'source_id', type: 'text', value: (r) => text(r.sourceId) },
    { name: 'points', type: 'numeric', value: (r) => numeric(r.points) },
    { name: 'description', type: 'text', value: (r) => text(r.description) },
    { name: 'occurred_at', type: 'timestamptz', value: (r) => timestamp(r.occurredAt) },
    { name: 'stamp', type: 'bigint', value: (r) => int8(r.stamp) },
    { name: 'stamp_key', type: 'text', value: (r) => text(r.key) },
  ],
  key: (r) => compositeKey(r.transactionId, r.direction),
  merge: earliest,
  onConflictSet: takeIncoming(['source_id', 'points', 'description', 'occurred_at', 'stamp', 'stamp_key']),
  onConflictWhere: whereIncomingIsEarlier(),
};
