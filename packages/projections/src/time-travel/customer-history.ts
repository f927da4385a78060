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

/**
 * The longest string that `events.mentions` holds (see the migration `event_mentions`): a
 * longer id is looked up in the raw bodies.
 */
const LONGEST_MENTION = 200;

/** The ids by which a customer's fold finds the events of other customers that shape its rows. */
export interface RelatedIds {
  transactions: ReadonlySet<string>;
  rewards: ReadonlySet<string>;
  codes: ReadonlySet<string>;
  /** Redemption ids of the coupons' redemptions (a rollback may name no code of the customer's). */
  redemptions: ReadonlySet<string>;
  rehookIds: ReadonlySet<string>;
  segments: ReadonlySet<string>;
  /** Rehook ids of the other parties of the customer's referrals. */
  parties: ReadonlySet<string>;
}

/** A customer's read-model rows folded from the store up to an instant. */
export interface FoldedCustomer {
  changes: ChangeSet;
  /** Events whose source id is the customer's (any status), received at or before `until`. */
  ownEvents: number;
  /** Idempotency keys of the events folded in, so that more can be folded without counting one twice. */
  seen: Set<string>;
  /** The instant of receipt folded up to (inclusive). */
  until: Date;
  /** The ids whose events, received at or before `until`, are folded in. */
  related: RelatedIds;
}

/** The earliest instant a Date holds: before every event. */
const BEGINNING = new Date(-8.64e15);

/** An instant as a query parameter (Postgres' timestamps do not reach back to {@link BEGINNING}). */
const sqlInstant = (at: Date) => (at.getTime() === BEGINNING.getTime() ? '-infinity' : at.toISOString());

/** An empty fold: before any event. */
const NOTHING: FoldedCustomer = {
  changes: new ChangeSet(),
  ownEvents: 0,
  seen: new Set(),
  until: BEGINNING,
  related: {
    transactions: new Set(),
    rewards: new Set(),
    codes: new Set(),
    redemptions: new Set(),
    rehookIds: new Set(),
    segments: new Set(),
    parties: new Set(),
  },
};

/** Events received in (after, until]. */
interface Window {
  after: Date;
  until: Date;
}

/** How many of the newest reports of a segment are read to find its name at an instant. */
const SEGMENT_NAME_REPORTS = 50;

/**
 * Events of the given names that mention one of `ids` (a string value of the body equal to
 * one), received at or before `until`; at most the `newest` of each id when given. A superset
 * of the events about those ids: folding an event about something else is harmless, as merges
 * are those of the rebuild, which folds every event; an extra event received by then only
 * brings reports that the rebuild has too.
 *
 * One probe of the index of `events.mentions` per id (a single `&&` over thousands of ids
 * would compare every candidate's mentions with every id). The rare bodies that Postgres
 * cannot read as jsonb (no mentions), and ids too long to be among mentions, are searched in
 * the raw bodies as the JSON string literals a body holds them as.
 */
async function eventsMentioning(
  db: SqlClient,
  names: readonly string[],
  ids: readonly string[],
  until: Date,
  newest?: number,
): Promise<EventRecord[]> {
  if (ids.length === 0) return [];
  const long = ids.filter((id) => id.length > LONGEST_MENTION);
  const inBody = (param: string) =>
    `EXISTS (SELECT 1 FROM unnest(${param}::text[]) n WHERE strpos(raw_body, n) > 0)`;
  return db.$queryRawUnsafe<EventRecord[]>(
    `SELECT e.* FROM unnest($1::text[]) AS i(id),
     LATERAL (SELECT ${COLUMNS} FROM events
              WHERE mentions @> ARRAY[i.id] AND name = ANY ($2::text[]) AND received_at <= $3::timestamptz
              ${newest === undefined ? '' : `ORDER BY receipt_stamp DESC LIMIT ${newest}`}) e
     UNION ALL
     SELECT ${COLUMNS} FROM events
     WHERE name = ANY ($2::text[]) AND received_at <= $3::timestamptz
       AND ((mentions IS NULL AND ${inBody('$4')})${long.length > 0 ? ` OR ${inBody('$5')}` : ''})`,
    ids,
    names,
    sqlInstant(until),
    ids.map((id) => JSON.stringify(id)),
    ...(long.length > 0 ? [long.map((id) => JSON.stringify(id))] : []),
  );
}

/** A stored event and the string values of its body (null: Postgres could not read it). */
interface MentioningRecord extends EventRecord {
  name: string | null;
  mentions: string[] | null;
}

/** Ids to test events against, and those of them too long to be among an event's mentions. */
interface Needles {
  ids: ReadonlySet<string>;
  long: readonly string[];
}

const needlesOf = (ids: ReadonlySet<string>): Needles => ({
  ids,
  long: [...ids].filter((id) => id.length > LONGEST_MENTION),
});

/** Whether an event mentions one of the ids, as {@link eventsMentioning} finds them. */
function mentionsOneOf(event: MentioningRecord, needles: Needles): boolean {
  const inBody = (id: string) => event.raw_body.includes(JSON.stringify(id));
  if (event.mentions === null) return [...needles.ids].some(inBody);
  return event.mentions.some((m) => needles.ids.has(m)) || needles.long.some(inBody);
}

/**
 * The events received in the window that mention one of the ids looked up before it (a kept
 * fold's): every event of those names in the window is read (the window is short) and tested
 * here, and of segment reports the newest few per segment.
 */
async function eventsSince(
  db: SqlClient,
  window: Window,
  known: ReadonlySet<string>,
  segments: ReadonlySet<string>,
): Promise<EventRecord[]> {
  if (known.size === 0 && segments.size === 0) return [];
  const events = await db.$queryRawUnsafe<MentioningRecord[]>(
    `SELECT ${COLUMNS}, name, mentions FROM events
     WHERE name = ANY ($1::text[]) AND received_at > $2::timestamptz AND received_at <= $3::timestamptz
     ORDER BY receipt_stamp DESC`,
    [...RELATED_EVENTS, ...SEGMENT_EVENTS],
    sqlInstant(window.after),
    sqlInstant(window.until),
  );
  const knownNeedles = needlesOf(known);
  const segmentNeedles = [...segments].map((id) => [id, needlesOf(new Set([id]))] as const);
  const reports = new Map<string, number>();
  const segmentEvents = new Set<string | null>(SEGMENT_EVENTS);
  return events.filter((event) => {
    if (!segmentEvents.has(event.name)) return mentionsOneOf(event, knownNeedles);
    // Newest first: keep a report while it is among the newest few of a segment it names.
    let kept = false;
    for (const [id, needles] of segmentNeedles) {
      if (!mentionsOneOf(event, needles)) continue;
      const count = (reports.get(id) ?? 0) + 1;
      reports.set(id, count);
      kept ||= count <= SEGMENT_NAME_REPORTS;
    }
    return kept;
  });
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

/** The names of the events about what a customer's rows share with other customers'. */
const RELATED_EVENTS = [
  ...new Set([
    ...WALLET_LEDGER_EVENTS,
    ...WEBHOOK_REWARD_EVENTS,
    ...COUPON_EVENTS,
    ...REFERRAL_EVENTS,
    ...IDENTITY_EVENTS,
  ]),
];

/** The ids of `now` that `before` lacks. */
const added = (now: ReadonlySet<string>, before: ReadonlySet<string>) =>
  [...now].filter((id) => !before.has(id));

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
 *
 * @param from - a fold of the same customer at an earlier instant, over the same store (see
 *   `CustomerFolds` for when a kept fold still is): only what was received after it is read
 *   then, plus the earlier events about ids that the customer's newer events name first.
 *   Merges are associative and commutative, so the result is the fold from nothing.
 */
export async function foldCustomerHistory(
  db: SqlClient,
  sourceId: string,
  until: Date,
  from: FoldedCustomer = NOTHING,
): Promise<FoldedCustomer> {
  if (until.getTime() < from.until.getTime()) throw new Error('a fold cannot go back in time');
  const window = { after: from.until, until };
  const changes = from.changes.clone();
  const seen = new Set(from.seen);
  const own = await db.$queryRawUnsafe<EventRecord[]>(
    `SELECT ${COLUMNS} FROM events
     WHERE source_id = $1 AND received_at > $2::timestamptz AND received_at <= $3::timestamptz
     ORDER BY receipt_stamp, idempotency_key`,
    sourceId,
    sqlInstant(window.after),
    sqlInstant(window.until),
  );
  // What the customer's new events name, apart from what other customers' events bring in.
  const mine = new ChangeSet();
  fold(mine, own, seen);
  changes.addAll(mine.changes());
  const was = from.related;
  const related = {
    transactions: new Set([
      ...was.transactions,
      ...mine.rows('wallet_transactions').map((w) => w.transactionId),
    ]),
    rewards: new Set([...was.rewards, ...mine.rows('webhook_rewards').map((r) => r.redemptionId)]),
    codes: new Set([
      ...was.codes,
      ...mine.rows('coupons').map((c) => c.code),
      ...mine.rows('coupon_redemptions').map((r) => r.code),
    ]),
    redemptions: new Set([...was.redemptions, ...mine.rows('coupon_redemptions').map((r) => r.redemptionId)]),
    rehookIds: new Set([
      ...was.rehookIds,
      ...mine.rows('customer_identities').map((i) => i.rehookCustomerId),
    ]),
    segments: new Set([...was.segments, ...mine.rows('segment_memberships').map((m) => m.segmentId)]),
  };
  // The ids looked up before: their events since then. The new ones: their events ever. Over
  // the names of all kinds at once: a superset, which is harmless (see eventsMentioning).
  const known = new Set([
    ...was.transactions,
    ...was.rewards,
    ...was.codes,
    ...was.redemptions,
    ...was.rehookIds,
    ...was.parties,
  ]);
  const fresh = [
    ...added(related.transactions, was.transactions),
    ...added(related.rewards, was.rewards),
    ...added(related.codes, was.codes),
    ...added(related.redemptions, was.redemptions),
    ...added(related.rehookIds, was.rehookIds),
  ];
  const batches = await Promise.all([
    eventsSince(db, window, known, was.segments),
    eventsMentioning(db, RELATED_EVENTS, fresh, until),
    eventsMentioning(db, SEGMENT_EVENTS, added(related.segments, was.segments), until, SEGMENT_NAME_REPORTS),
  ]);
  for (const records of batches) fold(changes, records, seen);
  await followCoupons(db, changes, seen, related, until);

  // The other party of each referral: the events that tell its source id.
  const parties = new Set<string>(was.parties);
  for (const r of changes.rows('referrals')) {
    parties.add(r.friendCustomerId);
    if (r.advocateCustomerId !== null) parties.add(r.advocateCustomerId);
  }
  fold(changes, await eventsMentioning(db, IDENTITY_EVENTS, added(parties, was.parties), until), seen);
  return { changes, ownEvents: from.ownEvents + own.length, seen, until, related: { ...related, parties } };
}

/**
 * A coupon's redemptions are keyed by redemption id, and a rollback names its redemption but not
 * always the coupon's code (it may name another one): follows codes and redemption ids from the
 * folded coupon rows until no new one turns up, so that every coupon and redemption row the fold
 * holds has all its reports, as in the rebuild. Usually one more probe, for the rollbacks.
 */
async function followCoupons(
  db: SqlClient,
  changes: ChangeSet,
  seen: Set<string>,
  related: { codes: Set<string>; redemptions: Set<string> },
  until: Date,
): Promise<void> {
  for (;;) {
    const fresh = new Set<string>();
    const note = (ids: Set<string>, id: string) => {
      if (ids.has(id)) return;
      ids.add(id);
      fresh.add(id);
    };
    for (const c of changes.rows('coupons')) note(related.codes, c.code);
    for (const r of changes.rows('coupon_redemptions')) {
      note(related.redemptions, r.redemptionId);
      note(related.codes, r.code);
    }
    if (fresh.size === 0) return;
    fold(changes, await eventsMentioning(db, COUPON_EVENTS, [...fresh], until), seen);
  }
}

/**
 * Folds into a customer's fold the events of the given names, received at or before its
 * instant, that mention one of `ids` and are not folded yet: for rows that other customers'
 * events shape too (a wallet transaction reported under two customers, an identity, a
 * referral), so that the fold holds every report of them.
 */
export async function foldEventsMentioning(
  db: SqlClient,
  folded: FoldedCustomer,
  names: readonly string[],
  ids: Iterable<string>,
): Promise<void> {
  fold(folded.changes, await eventsMentioning(db, names, [...new Set(ids)], folded.until), folded.seen);
}
