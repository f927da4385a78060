import {
  PARTIAL_APPEND_SQLSTATE,
  type PrismaClient,
  sqlErrorKind,
  sqlMessageOf,
  sqlStateOf,
} from '@mirror/db';
import {
  appendEvents,
  appendEventsStatement,
  type EventOrigin,
  type EventStatus,
  type NewEvent,
  SqlParams,
} from '@mirror/event-store';
import type { RedeliveryRule, WebhookJobData } from '@mirror/delivery-identity';
import { chainStatements, applyChanges, upsertStatements } from './apply-changes';
import { ChangeSet } from './change-set';
import type { EventMeta } from './event-meta';
import { LOCK_READ_MODELS_SQL, LOCK_SHARED_SQL } from './projection-lock';
import { readBody, type ReadBody } from './read-delivery';
import { recordDeliveries } from './record-deliveries';

/** What {@link recordEvents} needs from Prisma: raw statements and interactive transactions. */
export type RecorderClient = Pick<PrismaClient, '$queryRawUnsafe' | '$executeRawUnsafe' | '$transaction'>;

/** Options of {@link recordEvents}. */
export interface RecordOptions {
  /**
   * `webhook` (default) for Rehook's deliveries; `mirror` for events the mirror writes itself,
   * such as the API's `mirror.reward.fulfilled` (only such bodies may carry internal events).
   */
  origin?: EventOrigin;
}

/** What happened to one delivery. */
export interface RecordedEvent {
  idempotencyKey: string;
  /**
   * `stored`: appended by this call (and projected, when its status is `projected`).
   * `duplicate`: the store already had this key (a redelivery), it came earlier in the same
   * call, or the ingest had recognised it as a redelivery; only its delivery was recorded.
   */
  outcome: 'stored' | 'duplicate';
  status: EventStatus;
  /** Canonical event name, null when unrecognized or unreadable. */
  name: string | null;
  reason: string | null;
  /** The rule that recognised the delivery as a redelivery, when one did (the ingest's or the worker's). */
  redelivery?: RedeliveryRule;
}

/** A delivery that breaks the job contract (a bug in a producer, not bad input from Rehook). */
export class InvalidDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDeliveryError';
  }
}

const INT8_MAX = 9_223_372_036_854_775_807n;

/**
 * The receipt meta of a delivery, checked against the job contract.
 *
 * @throws InvalidDeliveryError when the delivery breaks the contract.
 */
export function deliveryMeta(delivery: WebhookJobData): EventMeta {
  const { receiptStamp, receivedAt, idempotencyKey, rawBody, origin } = delivery;
  if (typeof rawBody !== 'string') throw new InvalidDeliveryError('rawBody must be a string');
  if (origin !== undefined && origin !== 'mirror' && origin !== 'reconcile') {
    throw new InvalidDeliveryError(`origin ${JSON.stringify(origin)} is not mirror or reconcile`);
  }
  if (typeof idempotencyKey !== 'string' || idempotencyKey === '') {
    throw new InvalidDeliveryError('idempotencyKey must be a non-empty string');
  }
  if (
    typeof receiptStamp !== 'string' ||
    !/^\d{1,19}$/.test(receiptStamp) ||
    BigInt(receiptStamp) > INT8_MAX
  ) {
    throw new InvalidDeliveryError(`receiptStamp ${JSON.stringify(receiptStamp)} is not a decimal int8`);
  }
  const received = new Date(receivedAt);
  if (
    typeof receivedAt !== 'number' ||
    !Number.isFinite(received.getTime()) ||
    received.getUTCFullYear() > 9999
  ) {
    throw new InvalidDeliveryError(`receivedAt ${JSON.stringify(receivedAt)} is not a time in ms`);
  }
  return { receiptStamp: BigInt(receiptStamp), idempotencyKey, receivedAt: received };
}

/**
 * Raised (and rolled back) by the one-statement path when only some appends were new; told
 * apart by its SQLSTATE ({@link PARTIAL_APPEND_SQLSTATE}), the message is for logs.
 */
const PARTIAL_APPEND = 'mirror: partial append, recording the batch in a transaction';

/**
 * Appends a batch and projects it in a single statement (one round trip, atomic without a
 * transaction block): the shared projection lock, the idempotent append, then every upsert,
 * written only if every append was new. A batch whose events were all stored already appends
 * nothing and changes nothing. A batch where only some were new cannot be projected here (its
 * changes were folded together): `mirror_require` raises, the statement rolls back, and the
 * caller falls back to {@link recordMany}.
 *
 * @returns the keys appended; `undefined` when the batch needs the transactional path.
 */
async function recordInOneStatement(
  db: RecorderClient,
  reads: readonly ReadBody[],
): Promise<Set<string> | undefined> {
  const params = new SqlParams();
  const changes = new ChangeSet();
  for (const read of reads) changes.addAll(read.changes);
  const count = reads.length;
  const append = appendEventsStatement(
    params,
    reads.map((read) => read.event),
    'projection_lock',
  );
  const upserts = upsertStatements(changes, params, `(SELECT count(*) FROM appended) = ${count}`);
  const sql = chainStatements(
    [
      { name: 'projection_lock', sql: LOCK_SHARED_SQL },
      { name: 'appended', sql: append },
      ...upserts.map((statement, i) => ({ name: `upsert_${i}`, sql: statement })),
    ],
    `SELECT idempotency_key FROM appended
     WHERE mirror_require((SELECT count(*) FROM appended) IN (0, ${count}), '${PARTIAL_APPEND}')`,
  );
  try {
    const rows = await db.$queryRawUnsafe<{ idempotency_key: string }[]>(sql, ...params.values);
    return new Set(rows.map((row) => row.idempotency_key));
  } catch (error) {
    if (sqlStateOf(error) === PARTIAL_APPEND_SQLSTATE) return undefined;
    throw error;
  }
}

/**
 * Prisma ends an interactive transaction after 5 s by default (and waits 2 s for a connection),
 * whatever its statements are doing: a batch that waited a few seconds for rows another worker
 * was writing was rolled back and retried for nothing. The connection's `statement_timeout`
 * and `lock_timeout` (the role's `DB_TIMEOUTS`) bound each statement; these bounds are only a
 * backstop for a transaction that stopped making progress.
 */
const RECORD_TRANSACTION = { maxWait: 60_000, timeout: 5 * 60_000 } as const;

/**
 * The fallback of {@link recordInOneStatement} for a batch where only some events are new:
 * in one transaction, append first (which says which keys are new), then fold the new events'
 * changes and merge them in one statement.
 */
async function recordMany(db: RecorderClient, reads: readonly ReadBody[]): Promise<Set<string>> {
  return db.$transaction(async (tx) => {
    // The read models first, then the projection lock: the order of the one-statement path
    // (which locks every table it names before it runs), so that a rebuild's switch, which
    // locks the tables and then the projection lock, never waits on a transaction waiting on it.
    await tx.$executeRawUnsafe(LOCK_READ_MODELS_SQL);
    await tx.$executeRawUnsafe(LOCK_SHARED_SQL);
    const stored = await appendEvents(
      tx,
      reads.map((read) => read.event),
    );
    const changes = new ChangeSet();
    for (const read of reads) {
      if (stored.has(read.event.idempotencyKey)) changes.addAll(read.changes);
    }
    await applyChanges(tx, changes);
    return stored;
  }, RECORD_TRANSACTION);
}

/** The events a batch appended (as stored), by idempotency key. */
type Appended = Map<string, NewEvent>;

const appendedOf = (reads: readonly ReadBody[], keys: Set<string>): Appended =>
  new Map(
    reads
      .filter((read) => keys.has(read.event.idempotencyKey))
      .map((read) => [read.event.idempotencyKey, read.event]),
  );

/**
 * Appends one event whose projection failed on its data, alone and unprojected, as `invalid`
 * with the database's reason (under the shared projection lock, like every live append).
 */
async function appendQuarantined(db: RecorderClient, read: ReadBody, error: unknown): Promise<Appended> {
  const event: NewEvent = {
    ...read.event,
    status: 'invalid',
    reason: `projecting it failed on its data: ${sqlMessageOf(error)} (SQLSTATE ${sqlStateOf(error) ?? 'unknown'})`,
  };
  const params = new SqlParams();
  const sql = chainStatements(
    [
      { name: 'projection_lock', sql: LOCK_SHARED_SQL },
      { name: 'appended', sql: appendEventsStatement(params, [event], 'projection_lock') },
    ],
    'SELECT idempotency_key FROM appended',
  );
  const rows = await db.$queryRawUnsafe<{ idempotency_key: string }[]>(sql, ...params.values);
  return new Map(rows.length > 0 ? [[event.idempotencyKey, event]] : []);
}

/**
 * Appends and projects a batch of distinct events atomically. When the database refuses the
 * batch's data (a SQLSTATE data error: an overflow, a check constraint), one poison event must
 * not hold back the others, nor fail on every retry: the batch is split in halves, each recorded
 * on its own (the good half commits at once), down to the event that fails alone, which is
 * appended as `invalid` with the reason. A clean batch costs nothing extra; a batch of n with
 * one poison event costs about 2·log2(n) more statements. Any other failure rejects the whole
 * batch, to be retried.
 */
async function storeBatch(db: RecorderClient, reads: readonly ReadBody[]): Promise<Appended> {
  try {
    const keys = (await recordInOneStatement(db, reads)) ?? (await recordMany(db, reads));
    return appendedOf(reads, keys);
  } catch (error) {
    if (sqlErrorKind(error) !== 'data') throw error;
    const [first] = reads;
    if (reads.length === 1 && first !== undefined) return appendQuarantined(db, first, error);
    // In turn, not at once: the halves may touch the same rows.
    const half = Math.ceil(reads.length / 2);
    const before = await storeBatch(db, reads.slice(0, half));
    const after = await storeBatch(db, reads.slice(half));
    return new Map([...before, ...after]);
  }
}

/**
 * Stores deliveries in the event store and projects them into every read model in the same
 * transaction, so the store and the read models never disagree. Idempotent: a delivery whose
 * idempotency key is already stored changes nothing. Safe to call concurrently from many
 * processes: read models come out the same whatever the order and interleaving.
 *
 * Every delivery is recorded in `deliveries` too, after its event (see `recordDeliveries`); one
 * the ingest recognised as a redelivery (`redelivery` set) stores no event, whatever its body.
 *
 * The one code path for the worker, the API's reward fulfilment and the tests. Bad bodies are
 * stored as `unrecognized` / `invalid` and never throw, and so is an event whose projection the
 * database refuses on its data (see {@link storeBatch}); only infrastructure failures (and a
 * delivery that breaks the job contract: {@link InvalidDeliveryError}) reject.
 */
export async function recordEvents(
  db: RecorderClient,
  deliveries: readonly WebhookJobData[],
  options: RecordOptions = {},
): Promise<RecordedEvent[]> {
  const origin = options.origin ?? 'webhook';
  const reads = deliveries.map((delivery) =>
    readBody({ rawBody: delivery.rawBody, origin: delivery.origin ?? origin, meta: deliveryMeta(delivery) }),
  );
  const distinct = new Map<string, ReadBody>();
  for (const [index, read] of reads.entries()) {
    if (deliveries[index]?.redelivery !== undefined) continue;
    if (!distinct.has(read.event.idempotencyKey)) distinct.set(read.event.idempotencyKey, read);
  }
  const batch = [...distinct.values()];
  const stored: Appended = batch.length === 0 ? new Map<string, NewEvent>() : await storeBatch(db, batch);
  await recordDeliveries(db, deliveries);

  const reported = new Set<string>();
  return reads.map(({ event: read }, index) => {
    const event = stored.get(read.idempotencyKey);
    const first =
      deliveries[index]?.redelivery === undefined &&
      event !== undefined &&
      !reported.has(read.idempotencyKey);
    if (first) reported.add(read.idempotencyKey);
    const { status, name, reason } = event ?? read;
    const redelivery = deliveries[index]?.redelivery;
    return {
      idempotencyKey: read.idempotencyKey,
      outcome: first ? 'stored' : 'duplicate',
      status,
      name,
      reason,
      ...(redelivery === undefined ? {} : { redelivery }),
    };
  });
}
