import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Webhook bodies for the API's tests: the shared Rehook fixtures, and variants of them with the
 * ids and amounts a test needs. Every test row is produced by feeding these through the
 * worker's `recordEvents`, never inserted by hand.
 */
const FIXTURES_DIR = path.resolve(__dirname, '../../../shared/rehook/fixtures');

/** A webhook body as Rehook sends it. */
export type Body = Record<string, unknown>;

/** A fixture, parsed afresh (so tests may change it). `name` as `documented/order_success.json`. */
export function fixture(name: string): Body {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, name), 'utf8')) as Body;
}

function metadataOf(body: Body): Record<string, unknown> {
  return body['metadata'] as Record<string, unknown>;
}

function withSource(body: Body, sourceId: string): Body {
  body['source_id'] = sourceId;
  return body;
}

/** A webhook reward (the shop credits `points` itself): pending until fulfilled. */
export function webhookReward(o: {
  sourceId: string;
  redemptionId: string;
  points: number;
  campaignId?: string;
}): Body {
  const body = withSource(fixture('documented/customer.rewarded.webhook.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['points'] = o.points;
  metadata['source_id'] = o.sourceId;
  if (o.campaignId !== undefined) (metadata['campaign'] as Body)['id'] = o.campaignId;
  (metadata['reward'] as Body)['redemption_id'] = o.redemptionId;
  return body;
}

/** A wallet reward: Rehook already credited the wallet (transaction `transactionId`). */
export function walletReward(o: {
  sourceId: string;
  transactionId: string;
  redemptionId: string;
  points: number;
}): Body {
  const body = withSource(fixture('documented/customer.rewarded.wallet.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['points'] = o.points;
  metadata['source_id'] = o.sourceId;
  (metadata['reward'] as Body)['redemption_id'] = o.redemptionId;
  Object.assign(metadata['wallet'] as Body, { points: o.points, transaction_id: o.transactionId });
  return body;
}

/** wallet.credited or wallet.debited of one ledger transaction. */
export function walletEvent(o: {
  direction: 'credit' | 'debit';
  sourceId: string;
  transactionId: string;
  points: number;
  createdAt: string;
  description?: string;
}): Body {
  const file =
    o.direction === 'credit' ? 'documented/wallet.credited.json' : 'documented/wallet.debited.json';
  const body = withSource(fixture(file), o.sourceId);
  const metadata = metadataOf(body);
  metadata['points'] = o.points;
  Object.assign(metadata['wallet'] as Body, {
    points: o.points,
    transaction_id: o.transactionId,
    created_at: o.createdAt,
    updated_at: o.createdAt,
    ...(o.description !== undefined && { description: o.description }),
  });
  return body;
}

/** An order; `orderNo` keeps otherwise identical orders apart (identical bodies count once). */
export function order(o: { sourceId: string; total: number; orderNo: number }): Body {
  const body = withSource(fixture('documented/order_success.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['total'] = o.total;
  (metadata['cart'] as Body[])[0]!['id'] = o.orderNo;
  return body;
}

/** signup with the Rehook id and properties. */
export function signup(o: {
  sourceId: string;
  customerId: string;
  properties?: Record<string, unknown>;
}): Body {
  const body = withSource(fixture('assumed/signup.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['CustomerID'] = o.customerId;
  Object.assign(metadata, o.properties ?? {});
  return body;
}

/** customer.created: teaches the identity map the customer's Rehook id. */
export function customerCreated(o: { sourceId: string; customerId: string }): Body {
  const body = withSource(fixture('documented/customer.created.json'), o.sourceId);
  metadataOf(body)['CustomerID'] = o.customerId;
  return body;
}

/** customer.meta.updated with `properties`. */
export function metaUpdated(o: {
  sourceId: string;
  customerId: string;
  properties: Record<string, unknown>;
}): Body {
  const body = withSource(fixture('assumed/customer.meta.updated.json'), o.sourceId);
  Object.assign(metadataOf(body), { CustomerID: o.customerId, properties: o.properties });
  return body;
}

export function couponCreated(o: { code: string; campaignId: string }): Body {
  const body = fixture('assumed/coupon.created.json');
  const metadata = metadataOf(body);
  (metadata['campaign'] as Body)['id'] = o.campaignId;
  (metadata['coupon'] as Body)['code'] = o.code;
  return body;
}

export function couponRewarded(o: {
  code: string;
  sourceId: string;
  redemptionId: string;
  campaignId?: string;
}): Body {
  const body = withSource(fixture('assumed/coupon.rewarded.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['coupon'] = o.code;
  metadata['source_id'] = o.sourceId;
  if (o.campaignId !== undefined) (metadata['campaign'] as Body)['id'] = o.campaignId;
  (metadata['reward'] as Body)['redemption_id'] = o.redemptionId;
  return body;
}

export function couponRedeemed(o: {
  code: string;
  sourceId: string;
  redemptionId: string;
  redeemedAt?: string;
}): Body {
  const body = withSource(fixture('assumed/coupon.redeemed.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['coupon'] = o.code;
  metadata['redemption_id'] = o.redemptionId;
  if (o.redeemedAt !== undefined) metadata['redemption_date'] = o.redeemedAt;
  return body;
}

export function couponRollback(o: {
  code: string;
  sourceId: string;
  redemptionId: string;
  reason?: string;
}): Body {
  const body = withSource(fixture('assumed/coupon.redemption.rollback.json'), o.sourceId);
  const metadata = metadataOf(body);
  metadata['coupon'] = o.code;
  metadata['redemption_id'] = o.redemptionId;
  if (o.reason !== undefined) metadata['reason'] = o.reason;
  return body;
}

export function segmentEvent(o: {
  kind: 'entered' | 'left';
  sourceId: string;
  segmentId: string;
  segmentName?: string;
}): Body {
  const body = withSource(fixture(`assumed/customer.segment.${o.kind}.json`), o.sourceId);
  const metadata = metadataOf(body);
  metadata['SegmentId'] = o.segmentId;
  metadata['SegmentName'] = o.segmentName ?? `Segment ${o.segmentId}`;
  return body;
}

/** customer.referred, about the friend (`sourceId` is the friend's). */
export function referred(o: {
  sourceId: string;
  friendId: string;
  advocateId: string;
  campaignId: string;
  code?: string;
}): Body {
  const body = withSource(fixture('assumed/customer.referred.json'), o.sourceId);
  Object.assign(metadataOf(body), {
    CustomerId: o.friendId,
    AdvocateId: o.advocateId,
    CampaignID: o.campaignId,
    Code: o.code ?? 'CODE',
  });
  return body;
}

/** The advocate's reward for a successful referral (`sourceId` is the advocate's). */
export function advocateRewarded(o: {
  sourceId: string;
  advocateId: string;
  friendId: string;
  campaignId: string;
  points: number;
}): Body {
  const body = withSource(fixture('documented/customer.referral.successful.advocate.json'), o.sourceId);
  Object.assign(metadataOf(body), {
    AdvocateId: o.advocateId,
    CustomerId: o.advocateId,
    ConnectedCustomerId: o.friendId,
    CampaignID: o.campaignId,
    PointsRewarded: o.points,
    // One reward issuance per referral: its redemption is the event's occurrence key.
    RedemptionId: `redm_adv_${o.campaignId}_${o.advocateId}_${o.friendId}`,
  });
  return body;
}

export function leaderboardAward(o: {
  sourceId: string;
  campaignId: string;
  leaderboardId: string;
  rank: number;
  points: number;
  start?: string;
}): Body {
  const body = withSource(fixture('assumed/customer.leaderboard.awarded.json'), o.sourceId);
  const metadata = metadataOf(body);
  (metadata['campaign'] as Body)['id'] = o.campaignId;
  const leaderboard = metadata['leaderboard'] as Body;
  leaderboard['id'] = o.leaderboardId;
  (leaderboard['recurrence'] as Body)['start_date'] = o.start ?? '2023-09-01T00:00:00Z';
  metadata['rank'] = o.rank;
  metadata['score'] = 2000 - o.rank;
  metadata['points'] = o.points;
  // One award per recurrence and customer: its redemption is the event's occurrence key.
  (metadata['reward'] as Body)['redemption_id'] =
    `redm_lb_${o.campaignId}_${o.leaderboardId}_${o.start ?? 'default'}_${o.sourceId}`;
  return body;
}
