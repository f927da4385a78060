/**
 * What one simulated webhook does to the mirror's read models, as the simulator intends it.
 * The simulator knows the meaning of what it generates, so it states it here rather than
 * re-deriving it from the body: the expected summary is a fold over these (see `expected.ts`),
 * and an independent check of the worker's projections.
 */
export type Effect =
  /** The event names this customer (by source id), and Rehook's id for them when it carries one. */
  | { kind: 'customer'; sourceId: string; rehookCustomerId: string | null }
  /** Profile properties merged into the customer, last writer wins per key. */
  | { kind: 'properties'; sourceId: string; properties: Record<string, unknown> }
  | { kind: 'order'; sourceId: string; total: number }
  /** A wallet ledger entry, keyed by (transaction id, direction) whichever events report it. */
  | { kind: 'ledger'; sourceId: string; transactionId: string; direction: 'credit' | 'debit'; points: number }
  /** A webhook reward the shop must still credit, keyed by redemption id. */
  | { kind: 'pendingReward'; sourceId: string; redemptionId: string; points: number }
  | { kind: 'couponCreated'; code: string }
  | { kind: 'couponAssigned'; code: string; sourceId: string }
  | { kind: 'couponRedeemed'; code: string; redemptionId: string; sourceId: string }
  | { kind: 'couponRolledBack'; code: string; redemptionId: string }
  /** Segment membership, last writer wins per (segment, customer). */
  | { kind: 'segment'; sourceId: string; segmentId: string; member: boolean }
  /** A referral, keyed by (campaign, friend); advocate null when the event says "NA". */
  | { kind: 'referral'; campaignId: string; friendCustomerId: string; advocateCustomerId: string | null }
  /** A leaderboard award, keyed by campaign, leaderboard, recurrence and customer. */
  | { kind: 'leaderboardAward'; sourceId: string; awardKey: string };

/** One webhook delivery the simulator sends (or writes), with what it means. */
export interface Delivery {
  /** Position in the generated stream (0-based). */
  seq: number;
  /** `event_name` as sent. */
  eventName: string;
  /** `source_id` as sent ("" for events not about a customer). */
  sourceId: string;
  /**
   * Deliveries of one lane are sent one after another, each after the previous one was
   * acknowledged, so their receipt stamps follow the generated order. Last-writer-wins
   * registers (properties, segments) only ever change within one lane (a customer), so the
   * expected summary does not depend on how concurrent lanes interleave.
   */
  lane: string;
  /** The body text exactly as sent. */
  rawBody: string;
  /**
   * The event this delivery is (`eventIdentityOf`: its occurrence key, or its content key without
   * a receipt stamp), with `#<n>` for the n-th genuine repeat of a body identified by content.
   * Deliveries with one key are one event.
   */
  key: string;
  /**
   * The seq of the earlier delivery of an identical body that this genuine repeat follows: the
   * mirror counts it as an event of its own only if it arrives after the dedupe window since
   * that one, so the sender holds it until then.
   */
  repeatOf?: number;
  /** True when this is the same event sent again (Rehook retrying), possibly re-serialized. */
  redelivery: boolean;
  effects: readonly Effect[];
}
