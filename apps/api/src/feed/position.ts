import { z } from 'zod';

/**
 * An event's place in the change feed, as the API shows it: 32 lowercase hex digits, the id of
 * the transaction that stored the event then its `seq` (16 each, both non-negative bigints), so
 * that positions compare as strings in feed order. Callers treat it as opaque.
 */
export const FeedPosition = z
  .string()
  .regex(
    /^[0-7][0-9a-f]{15}[0-7][0-9a-f]{15}$/,
    'must be an event `position` from the feed (32 hex digits); a `seq` is not a place to follow the feed from',
  );
export type FeedPosition = z.infer<typeof FeedPosition>;

/** A feed position as the store keys it: `events(tx_id, seq)`. */
export interface FeedKey {
  txId: bigint;
  seq: bigint;
}

/** The key of a position that {@link FeedPosition} accepted. */
export function feedKey(position: FeedPosition): FeedKey {
  return { txId: BigInt(`0x${position.slice(0, 16)}`), seq: BigInt(`0x${position.slice(16)}`) };
}

/** The later of two positions (either may be missing). */
export function laterPosition(
  a: FeedPosition | undefined,
  b: FeedPosition | undefined,
): FeedPosition | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
