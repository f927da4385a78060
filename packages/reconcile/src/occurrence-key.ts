import { canonicalJson } from '@mirror/queue';

/**
 * The idempotency key of a wallet transaction's event: the occurrence key the delivery-identity
 * issue (#13) gives the `wallet.credited` / `wallet.debited` webhook for the same transaction,
 * `occurrence:<canonical event name>:<canonical JSON array of parts>`, the parts being the
 * transaction id. A repair appended under this key and a late webhook for the same transaction
 * are therefore one event: the webhook is a redelivery.
 *
 * The one place to switch to `@mirror/delivery-identity`'s function once it is on main.
 */
export function walletOccurrenceKey(direction: 'credit' | 'debit', transactionId: string): string {
  const name = direction === 'credit' ? 'wallet.credited' : 'wallet.debited';
  return `occurrence:${name}:${canonicalJson([transactionId])}`;
}
