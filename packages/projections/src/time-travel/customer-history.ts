import type { SqlClient } from '@mirror/event-store';
import type { EventOrigin } from '@mirror/event-store';
import { ChangeSet } from '../change-set';
import { COUPON_EVENTS } from '../read-models/coupons';
import { IDENTITY_EVENTS } from '../read-models/identities';
import { REFERRAL_EVENTS } from '../read-models/referrals';
import { SEGMENT_EVENTS } from '../read-models/segments';
import { WALLET_LEDGER_EVENTS } from '../read-models/wallet-ledger';
import { WEBHOOK_REWARD_EVENTS } from '../read-models/webhook-rewards';
import { readBody } from '../read-delivery';

interface EventRecord {
  receipt_stamp: bigint;
  idempotency_key: string;
  received_at: Date;
  raw_body: string;
  origin: EventOrigin;
}

const COLUMNS = 'receipt_stamp, idempotency_key, received_at, raw_body, origin::text AS origin';

/** A customer's read-model rows folded from the store, and how many of its events went in. */
export interface FoldedCustomer {
  changes: ChangeSet;
  /** Events whose source id is the customer's (any status), received at or before the instant. */
  ownEvents: number;
  /** Idempotency keys of the events folded in, so that more can be folded without counting one twice. */
  seen: Set<string>;
}

/**
 * Events of the given names, received at or before `until`, whose body contains one of
 * `needles` (each a JSON string literal, as the value appears in a body). A superset of the
 * events about those ids: folding an event about something else only adds rows that the
 * customer's queries do not read, so the superset is harmless and the test cheap.
 */
async function eventsMentioning(
  db: SqlClient,
  names: readonly string[],
  needles: readonly string[],
  until: Date,
  newestFirst?: number,
): Promise<EventRecord[]> {
  if (needles.length === 0) return [];
  const order = newestFirst === undefined ? '' : `ORDER BY receipt_stamp DESC LIMIT ${newestFirst}`;
  return db.$queryRawUnsafe<EventRecord[]>(
    `SELECT ${COLUMNS} FROM events
     WHERE name = ANY ($1::text[]) AND received_at <= $2::timestamptz
       AND EXISTS (SELECT 1 FROM unnest($3::text[]) n WHERE strpos(raw_body, n) > 0) ${order}`,
    names,
    until.toISOString(),
    needles,
  );
}

function fold(changes: ChangeSet, records: readonly EventRecord[], seen: Set<string>): void {
  for (const r of records) {
    if (seen.has(r.idempotency_key)) continue;
    seen.add(r.idempotency_key);
    const read = readBody({
      rawBody: r.raw_body,
      origin: r.origin,
      meta: { receiptStamp: r.receipt_stamp, idempotencyKey: r.idempotency_key, receivedAt: r.received_at },
    });
    changes.addAll(read.changes);
  }
}

/** Ids as the JSON string literals a body holds them as (the needles of {@link eventsMentioning}). */
function quoted(values: Iterable<string>): string[] {
  return [...new Set(values)].map((v) => JSON.stringify(v));
}

/** How many of the newest reports of a segment are read to find its name at an instant. */
const SEGMENT_NAME_REPORTS = 50;

/**
 * Folds, with the projections' own merges (the {@link ChangeSet} of the rebuild), every stored
 * event received at or before `until` that the customer's read-model rows depend on: the
 * customer's own events, then the events about what they name that other customers' events
 * also shape: their wallet transactions and webhook rewards (whose first report decides the
 * owner, so a transaction reported under two customers belongs to whoever reported it first,
 * as in the live projection and the rebuild), their coupons (holder, redemptions, campaign),
 * their referrals and the identities of the other party, and the latest reports of their
 * segments' names. The rows that the customer's read queries select are then those a rebuild
 * over the same events gives.
 */
export async function foldCustomerHistory(
  db: SqlClient,
  sourceId: string,
  until: Date,
): Promise<FoldedCustomer> {
  const changes = new ChangeSet();
  const seen = new Set<string>();
  const own = await db.$queryRawUnsafe<EventRecord[]>(
    `SELECT ${COLUMNS} FROM events WHERE source_id = $1 AND received_at <= $2::timestamptz
     ORDER BY receipt_stamp, idempotency_key`,
    sourceId,
    until.toISOString(),
  );
  fold(changes, own, seen);

  const transactions = quoted(changes.rows('wallet_transactions').map((w) => w.transactionId));
  const rewards = quoted(changes.rows('webhook_rewards').map((r) => r.redemptionId));
  const codes = quoted([
    ...changes.rows('coupons').map((c) => c.code),
    ...changes.rows('coupon_redemptions').map((r) => r.code),
  ]);
  const rehookIds = quoted(changes.rows('customer_identities').map((i) => i.rehookCustomerId));
  const segmentIds = changes.rows('segment_memberships').map((m) => m.segmentId);
  const related = await Promise.all([
    eventsMentioning(db, WALLET_LEDGER_EVENTS, transactions, until),
    eventsMentioning(db, WEBHOOK_REWARD_EVENTS, rewards, until),
    eventsMentioning(db, COUPON_EVENTS, codes, until),
    eventsMentioning(db, REFERRAL_EVENTS, rehookIds, until),
  ]);
  for (const records of related) fold(changes, records, seen);

  // The other party of each referral: the events that tell its source id.
  const parties = new Set<string>();
  for (const r of changes.rows('referrals')) {
    parties.add(r.friendCustomerId);
    if (r.advocateCustomerId !== null) parties.add(r.advocateCustomerId);
  }
  const segmentNames = await Promise.all(
    [...new Set(segmentIds)].map((id) =>
      eventsMentioning(db, SEGMENT_EVENTS, quoted([id]), until, SEGMENT_NAME_REPORTS),
    ),
  );
  for (const records of segmentNames) fold(changes, records, seen);
  fold(changes, await eventsMentioning(db, IDENTITY_EVENTS, quoted(parties), until), seen);
  return { changes, ownEvents: own.length, seen };
}

/**
 * Folds into a customer's fold the events of the given names, received at or before `until`,
 * that mention one of `ids` (as a JSON string in their body) and are not folded yet: for rows
 * that other customers' events shape too (a wallet transaction reported under two customers,
 * an identity, a referral), so that the fold holds every report of them.
 */
export async function foldEventsMentioning(
  db: SqlClient,
  folded: FoldedCustomer,
  names: readonly string[],
  ids: Iterable<string>,
  until: Date,
): Promise<void> {
  const needles = [...new Set(ids)].map((id) => JSON.stringify(id));
  fold(folded.changes, await eventsMentioning(db, names, needles, until), folded.seen);
}
