import type { FakeCustomer } from '@mirror/rehook-api/testing';

/** The shape of the reconcile benchmark's history: per customer, wallets of transactions each. */
export const WALLETS_PER_CUSTOMER = 3;
export const TRANSACTIONS_PER_WALLET = 50;

export const benchSourceId = (i: number) => `bench-${i}@shop`;

/** Transaction `t` of wallet `w` of customer `i`: every fifth a debit, amounts 1 to 9. */
export function benchTransaction(i: number, w: number, t: number) {
  return {
    transaction_id: `trhi_${i}_${w}_${t}`,
    type: t % 5 === 4 ? ('debit' as const) : ('credit' as const),
    points: (t % 9) + 1,
    description: 'Wallet points',
  };
}

/** Rehook's side of customer `bench-<i>@shop`, computed on demand (the fake's `generate`). */
export function benchCustomer(sourceId: string): FakeCustomer | undefined {
  const match = /^bench-(\d+)@shop$/.exec(sourceId);
  if (match === null) return undefined;
  const i = Number(match[1]);
  return {
    id: `cust_bench_${i}`,
    sourceId,
    referrals: [],
    wallets: Array.from({ length: WALLETS_PER_CUSTOMER }, (_, w) => ({
      wallet_id: `waty_${i}_${w}`,
      wallet_name: `Wallet ${w}`,
      transactions: Array.from({ length: TRANSACTIONS_PER_WALLET }, (_, t) => benchTransaction(i, w, t)),
    })),
  };
}
